import Foundation
import MailNet
import SASL
import TestSupport
import Testing
@testable import IMAPClient

/// What a scripted server remembers between lines.
private final class Memory: @unchecked Sendable {
    private let lock = NSLock()
    private var _capabilityTag: String?
    var capabilityTag: String? {
        get { lock.withLock { _capabilityTag } }
        set { lock.withLock { _capabilityTag = newValue } }
    }
}

private let greetingWithSASLIR = "* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED] ready\r\n"

/// A STARTTLS server: `afterTLS` answers every line but STARTTLS and LOGOUT.
private func startTLSServer(_ pki: TestPKI, greeting: String = greetingWithSASLIR,
                            afterTLS: @escaping @Sendable (_ tag: String, _ line: String) -> [FakeSMTPServer.Action]) async throws -> FakeSMTPServer {
    try await FakeSMTPServer(greeting: [.send(greeting)], tls: try pki.serverContext("localhost")) { line in
        let t = tag(line)
        if line.hasSuffix(" STARTTLS") { return [.startTLS("\(t) OK Begin TLS negotiation now\r\n")] }
        if line.hasSuffix(" LOGOUT") { return [] }
        return afterTLS(t, line)
    }
}

private func session(_ server: FakeSMTPServer, _ pki: TestPKI) -> IMAPSession {
    IMAPSession(options: IMAPSessionOptions(host: "localhost", port: server.port, tls: .startTLS, trust: .caFile(pki.caFile),
                                            connectTimeout: 5, replyTimeout: 5))
}

/// After STARTTLS the capabilities must be asked again; with SASL-IR offered before TLS,
/// that question and the login go in one write, saving a round trip.
@Suite(.needs(.openssl))
struct IMAPPipelining {
    /// This server answers the CAPABILITY only once the AUTHENTICATE has arrived: a client
    /// that waited between them would hit its deadline instead of logging in.
    @Test func theCapabilityAndTheLoginGoTogether() async throws {
        let pki = try TestPKI()
        let memory = Memory()
        let server = try await startTLSServer(pki) { t, line in
            if line.hasSuffix(" CAPABILITY") {
                memory.capabilityTag = t
                return []
            }
            guard line.hasPrefix("\(t) AUTHENTICATE PLAIN "), let asked = memory.capabilityTag else { return [.send("\(t) BAD what\r\n")] }
            return [.send("* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\n\(asked) OK done\r\n\(t) OK logged in\r\n")]
        }
        let s = session(server, pki)
        let method = try await s.openAndAuthenticate(username: "alice", password: Secret("s3cret-pw"))
        #expect(method == .authenticate("PLAIN"))
        #expect(s.isEncrypted)
        #expect(s.capabilities?.authMechanisms == ["PLAIN"])
        await s.close()
        await server.stop()
        let ir = Data("\0alice\0s3cret-pw".utf8).base64EncodedString()
        #expect(server.lines == ["a001 STARTTLS", "a002 CAPABILITY", "a003 AUTHENTICATE PLAIN \(ir)", "a004 LOGOUT"])
        let entries = s.transcript.entries
        let loginSent = try #require(entries.firstIndex { $0.direction == .sent && $0.text.hasPrefix("a003 AUTHENTICATE") })
        let capabilitiesRead = try #require(entries.firstIndex { $0.direction == .received && $0.text.hasPrefix("* CAPABILITY") })
        #expect(loginSent < capabilitiesRead, "the login went before the capabilities came back")
        #expect(!s.transcript.text.contains(ir) && !s.transcript.text.contains("s3cret-pw"))
    }

    /// The new capabilities lack AUTH=PLAIN and the guess failed: the usual choice is made
    /// on them (here the LOGIN command), one round trip later.
    @Test func withoutPLAINAfterTLSTheUsualChoiceIsMade() async throws {
        let pki = try TestPKI()
        let server = try await startTLSServer(pki) { t, line in
            if line.hasSuffix(" CAPABILITY") { return [.send("* CAPABILITY IMAP4rev1 SASL-IR\r\n\(t) OK done\r\n")] }
            if line.contains(" AUTHENTICATE ") { return [.send("\(t) NO unsupported mechanism\r\n")] }
            if line.contains(" LOGIN ") { return [.send("\(t) OK logged in\r\n")] }
            return [.send("\(t) BAD what\r\n")]
        }
        let s = session(server, pki)
        #expect(try await s.openAndAuthenticate(username: "alice", password: Secret("pw")) == .login)
        await s.close()
        await server.stop()
        #expect(server.lines.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
                == ["a001 STARTTLS", "a002 CAPABILITY", "a003 AUTHENTICATE", "a004 LOGIN", "a005 LOGOUT"])
    }

    /// PLAIN is offered after TLS and the password is wrong: that answer is the verdict,
    /// and no second way is tried.
    @Test func aRefusalOfAnOfferedMechanismIsTheVerdict() async throws {
        let pki = try TestPKI()
        let server = try await startTLSServer(pki) { t, line in
            if line.hasSuffix(" CAPABILITY") { return [.send("* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\n\(t) OK done\r\n")] }
            return [.send("\(t) NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")]
        }
        let s = session(server, pki)
        var caught: IMAPClientError?
        do { try await s.openAndAuthenticate(username: "alice", password: Secret("wrong")) } catch let e as IMAPClientError { caught = e }
        #expect(caught?.kind == "auth-rejected", "\(String(describing: caught))")
        await s.close()
        await server.stop()
        #expect(server.lines.filter { $0.contains(" AUTHENTICATE ") || $0.contains(" LOGIN ") }.count == 1)
    }

    /// Without SASL-IR before TLS there is no initial response to send with the question:
    /// the capabilities are asked alone, then the login is chosen on them.
    @Test func withoutSASLIRTheCapabilitiesAreAskedFirst() async throws {
        let pki = try TestPKI()
        let memory = Memory()
        let server = try await startTLSServer(pki, greeting: "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n") { t, line in
            if line.hasSuffix(" CAPABILITY") {
                memory.capabilityTag = t
                return [.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n\(t) OK done\r\n")]
            }
            if line == "\(t) AUTHENTICATE PLAIN" { return [.send("+ \r\n")] }
            if line == Data("\0alice\0pw".utf8).base64EncodedString() { return [.send("a003 OK logged in\r\n")] }
            return [.send("\(t) BAD what\r\n")]
        }
        let s = session(server, pki)
        #expect(try await s.openAndAuthenticate(username: "alice", password: Secret("pw")) == .authenticate("PLAIN"))
        await s.close()
        await server.stop()
        #expect(memory.capabilityTag == "a002")
        #expect(server.lines.prefix(3) == ["a001 STARTTLS", "a002 CAPABILITY", "a003 AUTHENTICATE PLAIN"])
    }
}
