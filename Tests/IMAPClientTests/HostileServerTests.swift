import Foundation
import MailNet
import SASL
import TestSupport
import Testing
@testable import IMAPClient

let fakeGreeting = "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN STARTTLS] fake ready\r\n"

/// Runs a session against a scripted line server and returns the error it ended with.
func imapFailure(greeting: [FakeSMTPServer.Action] = [.send(fakeGreeting)], tls: TLSMode = .none,
                 replyTimeout: Double = 15, login: Bool = true, password: String = "s3cret-pw",
                 script: @escaping FakeSMTPServer.Script) async throws -> (IMAPClientError?, FakeSMTPServer, IMAPSession) {
    let server = try await FakeSMTPServer(greeting: greeting, script: script)
    let session = IMAPSession(options: IMAPSessionOptions(host: "127.0.0.1", port: server.port, tls: tls, connectTimeout: 5,
                                                          replyTimeout: replyTimeout, allowPlaintextPassword: true))
    var caught: IMAPClientError?
    do {
        try await session.open()
        if login { try await session.authenticate(username: "alice", password: Secret(password)) }
    } catch let e as IMAPClientError {
        caught = e
    }
    await session.close()
    await server.stop()
    return (caught, server, session)
}

/// The tag of a command line the client sent.
func tag(_ line: String) -> String { String(line.split(separator: " ").first ?? "") }

@Suite struct HostileIMAPServers {
    /// Implicit TLS on a port that takes TCP and says nothing: the handshake is what is
    /// missing, not the greeting.
    @Test func anImplicitTLSPortThatNeverFinishesTheHandshakeIsTLSHandshakeTimeout() async throws {
        let (e, _, session) = try await imapFailure(greeting: [], tls: .implicit, replyTimeout: 1, login: false) { _ in [] }
        #expect(e?.kind == "tls-handshake-timeout", "\(String(describing: e))")
        #expect(session.greeting == nil)
    }

    @Test func anEndlessLineIsReplyTooLarge() async throws {
        let (e, _, _) = try await imapFailure { _ in [.sendBytes([UInt8](repeating: UInt8(ascii: "a"), count: 4 * 1024 * 1024))] }
        #expect(e?.kind == "reply-too-large", "\(String(describing: e))")
    }

    @Test func aHugeLiteralIsReplyTooLarge() async throws {
        let (e, _, _) = try await imapFailure { _ in [.send("* 1 FETCH (BODY[] {4294967295}\r\n")] }
        #expect(e?.kind == "reply-too-large", "\(String(describing: e))")
        #expect(e == .protocolViolation(phase: "authenticate", .literalTooLarge(announced: "4294967295", limit: IMAPLimits.default.maxLiteralSize)))
    }

    @Test func aFloodOfUntaggedResponsesIsReplyTooLarge() async throws {
        let (e, _, _) = try await imapFailure { _ in [.send(String(repeating: "* OK still thinking\r\n", count: 5000))] }
        #expect(e?.kind == "reply-too-large", "\(String(describing: e))")
    }

    @Test func byeDuringLoginIsConnectionClosed() async throws {
        let (e, _, _) = try await imapFailure { _ in [.send("* BYE shutting down\r\n"), .close] }
        #expect(e?.kind == "connection-closed", "\(String(describing: e))")
        #expect(e?.description.contains("shutting down") == true)
    }

    @Test func aByeGreetingIsGreetingRejected() async throws {
        let (e, _, _) = try await imapFailure(greeting: [.send("* BYE too many connections\r\n")]) { _ in [] }
        #expect(e?.kind == "greeting-rejected")
    }

    @Test func anHTTPGreetingIsNotIMAP() async throws {
        let (e, _, _) = try await imapFailure(greeting: [.send("HTTP/1.1 400 Bad Request\r\n\r\n")]) { _ in [] }
        #expect(e?.kind == "not-imap", "\(String(describing: e))")
    }

    @Test func bytesAfterTheStartTLSOKAreInjection() async throws {
        let (e, _, _) = try await imapFailure(tls: .startTLS) { line in
            [.send("\(tag(line)) OK Begin TLS negotiation now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n")]
        }
        #expect(e?.kind == "starttls-injection", "\(String(describing: e))")
    }

    @Test func noStartTLSStopsBeforeSendingAnything() async throws {
        let (e, server, _) = try await imapFailure(greeting: [.send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")],
                                                   tls: .startTLS) { _ in [] }
        #expect(e?.kind == "starttls-not-offered")
        #expect(server.lines.allSatisfy { $0.hasSuffix("LOGOUT") })
    }

    @Test func silenceAfterTheLoginCommandHitsTheDeadline() async throws {
        let start = Date()
        let (e, _, _) = try await imapFailure(replyTimeout: 1) { _ in [] }
        #expect(e?.kind == "timeout", "\(String(describing: e))")
        #expect(Date().timeIntervalSince(start) < 90, "cut off by the deadline, not left waiting (the start of a whole run on two cores delays a short wait by up to about 35 s)")
    }

    @Test func silenceAfterLogoutIsCutShort() async throws {
        let server = try await FakeSMTPServer(greeting: [.send(fakeGreeting)]) { line in
            line.contains("AUTHENTICATE") ? [.send("\(tag(line)) OK logged in\r\n")] : []
        }
        let session = IMAPSession(options: IMAPSessionOptions(host: "127.0.0.1", port: server.port, tls: .none,
                                                              replyTimeout: 30, allowPlaintextPassword: true))
        try await session.open()
        #expect(try await session.authenticate(username: "alice", password: Secret("pw")) == .authenticate("PLAIN"))
        let start = Date()
        await session.logout()
        #expect(Date().timeIntervalSince(start) < 90, "cut off by the deadline, not left waiting (the start of a whole run on two cores delays a short wait by up to about 35 s)")
        await server.stop()
    }

    @Test func aTagThatDoesNotMatchIsAProtocolError() async throws {
        let (e, _, _) = try await imapFailure { _ in [.send("zz99 OK done\r\n")] }
        #expect(e?.kind == "protocol-error", "\(String(describing: e))")
        #expect(e == .tagMismatch(expected: "a001", got: "zz99"))
    }

    @Test func loginResponseCodesAreToldApart() async throws {
        for (code, kind) in [("AUTHENTICATIONFAILED", "auth-rejected"), ("PRIVACYREQUIRED", "auth-privacy-required"),
                             ("UNAVAILABLE", "server-unavailable")] {
            let (e, _, _) = try await imapFailure { line in [.send("\(tag(line)) NO [\(code)] no way\r\n")] }
            #expect(e?.kind == kind, "\(String(describing: e))")
        }
    }

    @Test func loginDisabledWithoutTLSIsTLSRequired() async throws {
        let (e, server, _) = try await imapFailure(greeting: [.send("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hi\r\n")]) { _ in [] }
        #expect(e?.kind == "tls-required")
        #expect(!server.lines.contains { $0.contains("LOGIN ") || $0.contains("AUTHENTICATE") })
    }

    @Test func loginQuotesAndTheTranscriptHidesThePassword() async throws {
        let (e, server, session) = try await imapFailure(greeting: [.send("* OK [CAPABILITY IMAP4rev1] hi\r\n")],
                                                         password: #"se"cr\et"#) { line in
            [.send("\(tag(line)) OK welcome\r\n")]
        }
        #expect(e == nil)
        #expect(server.lines.first == #"a001 LOGIN "alice" "se\"cr\\et""#)
        #expect(!session.transcript.text.contains("cr"))
    }

    @Test func aLineBreakInThePasswordIsRefusedBeforeSending() async throws {
        let (e, server, _) = try await imapFailure(greeting: [.send("* OK [CAPABILITY IMAP4rev1] hi\r\n")],
                                                   password: "pw\r\na2 DELETE INBOX") { _ in [] }
        #expect(e?.kind == "invalid-input")
        #expect(server.lines.allSatisfy { $0.hasSuffix("LOGOUT") })
    }

    @Test func dovecotsWaitingLineIsNotTheGreeting() async throws {
        let server = try await FakeSMTPServer(greeting: [
            .send("* OK Waiting for authentication process to respond..\r\n"),
            .drip("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Dovecot ready.\r\n", interval: .milliseconds(2)),
        ]) { line in [.send("\(tag(line)) OK fine\r\n")] }
        let session = IMAPSession(options: IMAPSessionOptions(host: "127.0.0.1", port: server.port, tls: .none))
        try await session.open()
        #expect(session.greeting?.text == "Dovecot ready.")
        #expect(session.capabilities?.authMechanisms == ["PLAIN"])
        await session.close()
        #expect(!server.lines.contains { $0.hasSuffix("CAPABILITY") })
        await server.stop()
    }
}
