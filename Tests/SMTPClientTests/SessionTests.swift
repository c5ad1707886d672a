import Foundation
import MailNet
import NIOCore
import SASL
import TestSupport
import Testing
@testable import SMTPClient

/// Runs a session against a scripted server and returns the error it ended with.
private func failure(greeting: [FakeSMTPServer.Action] = [.send("220 fake.test ESMTP\r\n")],
                     tls: TLSMode = .none, replyTimeout: Double = 15, allowPlaintext: Bool = false,
                     auth: Bool = false,
                     script: @escaping FakeSMTPServer.Script) async throws -> (SMTPClientError?, FakeSMTPServer, SMTPSession) {
    let server = try await FakeSMTPServer(greeting: greeting, script: script)
    let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: server.port, tls: tls, connectTimeout: 5,
                                                          replyTimeout: replyTimeout, allowPlaintextPassword: allowPlaintext))
    var caught: SMTPClientError?
    do {
        try await session.open()
        if auth { try await session.authenticate(PlainMechanism(username: "alice", password: Secret("s3cret-pw"))) }
    } catch let e as SMTPClientError {
        caught = e
    }
    await session.close()
    await server.stop()
    return (caught, server, session)
}

@Suite struct HostileServers {
    @Test func a554GreetingIsGreetingRejected() async throws {
        let (e, _, _) = try await failure(greeting: [.send("554 5.7.1 go away\r\n")]) { _ in [] }
        #expect(e?.kind == "greeting-rejected")
    }

    @Test func anHTTPGreetingIsNotSMTP() async throws {
        let (e, _, _) = try await failure(greeting: [.send("HTTP/1.1 400 Bad Request\r\n\r\n")]) { _ in [] }
        #expect(e?.kind == "not-smtp")
    }

    @Test func aCloseAfterTheGreetingIsConnectionClosed() async throws {
        let (e, _, _) = try await failure { _ in [.close] }
        #expect(e?.kind == "connection-closed")
    }

    @Test func aCloseInTheMiddleOfAReplyIsConnectionClosed() async throws {
        let (e, _, _) = try await failure { _ in [.send("250-fake.test\r\n250-SIZE 10"), .close] }
        #expect(e?.kind == "connection-closed")
    }

    @Test func aReplyOfEndlessLinesIsReplyTooLarge() async throws {
        let (e, _, _) = try await failure { _ in [.send(String(repeating: "250-more and more\r\n", count: 5000))] }
        #expect(e?.kind == "reply-too-large")
    }

    @Test func aFourMegabyteLineWithoutCRLFIsReplyTooLarge() async throws {
        let (e, _, _) = try await failure { _ in [.sendBytes([UInt8](repeating: UInt8(ascii: "a"), count: 4 * 1024 * 1024))] }
        #expect(e?.kind == "reply-too-large")
    }

    /// Implicit TLS on a port that takes TCP and says nothing: the handshake is what is
    /// missing, not the greeting.
    @Test func anImplicitTLSPortThatNeverFinishesTheHandshakeIsTLSHandshakeTimeout() async throws {
        let (e, _, session) = try await failure(greeting: [], tls: .implicit, replyTimeout: 1) { _ in [] }
        #expect(e?.kind == "tls-handshake-timeout", "\(String(describing: e))")
        #expect(e == .session(.timeout(phase: "tls-handshake", seconds: 1)))
        #expect(e?.description.contains("TLS handshake did not finish") == true)
        #expect(session.greeting == nil)
    }

    /// With PIPELINING offered, MAIL, RCPT and RSET go out in one write: this server
    /// answers nothing until it has all three, which a client waiting after each command
    /// would never see (it would time out).
    @Test func theEnvelopeProbeIsPipelinedWhenOffered() async throws {
        let server = try await FakeSMTPServer(greeting: [.send("220 fake.test ESMTP\r\n")]) { line in
            if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["PIPELINING"]))] }
            if line == "RSET" { return [.send("250 2.1.0 sender ok\r\n250 2.1.5 recipient ok\r\n250 2.0.0 reset\r\n")] }
            if line.hasPrefix("QUIT") { return [.send("221 bye\r\n"), .close] }
            return []
        }
        let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: server.port, tls: .none, replyTimeout: 3))
        try await session.open()
        let probe = try await session.probeEnvelope(from: "a@example.test", to: "b@example.test")
        #expect(probe.mail.code == 250 && probe.rcpt?.code == 250)
        #expect(Array(server.lines.suffix(3)) == ["MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "RSET"])
        await session.close()
        await server.stop()
    }

    @Test func withoutPipeliningEachEnvelopeCommandWaitsForItsReply() async throws {
        let server = try await FakeSMTPServer(greeting: [.send("220 fake.test ESMTP\r\n")]) { line in
            if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["8BITMIME"]))] }
            if line.hasPrefix("MAIL") { return [.send("550 5.7.1 no\r\n")] }
            if line.hasPrefix("QUIT") { return [.send("221 bye\r\n"), .close] }
            return [.send("250 ok\r\n")]
        }
        let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: server.port, tls: .none, replyTimeout: 3))
        try await session.open()
        let probe = try await session.probeEnvelope(from: "a@example.test", to: "b@example.test")
        #expect(probe.mail.code == 550 && probe.rcpt == nil)
        // A refused MAIL is not followed by a RCPT the server would refuse for its order.
        #expect(!server.lines.contains { $0.hasPrefix("RCPT") })
        await session.close()
        await server.stop()
    }

    @Test func greetingDrippedOneByteASecondHitsTheReplyDeadline() async throws {
        // 21 bytes a second apart: a deadline renewed by each byte would let it through;
        // the deadline is on the whole reply, so the greeting times out.
        let (e, _, _) = try await failure(greeting: [.drip("220 slow.test ESMTP\r\n", interval: .seconds(1))], replyTimeout: 1.5) { _ in [] }
        #expect(e?.kind == "greeting-timeout")
    }

    @Test func startTLSResponseInjectionIsRefused() async throws {
        let (e, server, _) = try await failure(tls: .startTLS) { line in
            if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["STARTTLS", "AUTH PLAIN"]))] }
            if line == "STARTTLS" { return [.send("220 2.0.0 go ahead\r\n250 injected\r\n")] }
            return []
        }
        #expect(e == .session(.startTLSInjection(bytes: 14)))
        #expect(!server.lines.contains { $0.hasPrefix("AUTH") })
    }

    @Test func startTLSNotOfferedButAUTHOfferedSendsNoAUTH() async throws {
        let (e, server, _) = try await failure(tls: .startTLS, auth: true) { line in
            line.hasPrefix("EHLO") ? [.send(EHLOReply.make(["AUTH PLAIN LOGIN"]))] : [.send("250 ok\r\n")]
        }
        #expect(e == .session(.startTLSNotOffered))
        #expect(!server.lines.contains { $0.hasPrefix("AUTH") })
        #expect(server.lines.allSatisfy { !$0.contains("s3cret") })
    }

    @Test func passwordOverPlaintextIsRefusedUnlessAllowed() async throws {
        let script: FakeSMTPServer.Script = { line in
            if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["AUTH PLAIN"]))] }
            if line.hasPrefix("AUTH") { return [.send("235 2.7.0 ok\r\n")] }
            return [.send("221 bye\r\n")]
        }
        let (refused, server, _) = try await failure(auth: true, script: script)
        #expect(refused?.kind == "plaintext-auth-refused")
        #expect(!server.lines.contains { $0.hasPrefix("AUTH") })
        let (allowed, server2, session) = try await failure(allowPlaintext: true, auth: true, script: script)
        #expect(allowed == nil)
        #expect(server2.lines.contains { $0.hasPrefix("AUTH PLAIN ") })
        #expect(!session.transcript.text.contains("czNjcmV0LXB3"))   // base64 of part of the password
        #expect(session.transcript.text.contains("AUTH PLAIN <redacted>"))
    }

    @Test func silenceAfterAUTHIsAnAuthTimeout() async throws {
        let (e, _, _) = try await failure(replyTimeout: 1, allowPlaintext: true, auth: true) { line in
            line.hasPrefix("EHLO") ? [.send(EHLOReply.make(["AUTH PLAIN"]))] : []
        }
        #expect(e == .session(.timeout(phase: "auth", seconds: 1)))
    }

    @Test func mixedCodesInOneReplyAreAProtocolError() async throws {
        let (e, _, _) = try await failure { _ in [.send("250-fake.test\r\n550 nope\r\n")] }
        #expect(e?.kind == "protocol-error")
    }

    @Test func heloIsTriedWhenEHLOIsRefused() async throws {
        let (e, server, session) = try await failure { line in
            line.hasPrefix("EHLO") ? [.send("502 5.5.1 command not implemented\r\n")] : [.send("250 old.test\r\n")]
        }
        #expect(e == nil)
        #expect(server.lines.prefix(2) == ["EHLO mailconf.localhost", "HELO mailconf.localhost"])
        #expect(session.capabilities?.authMechanisms == [])
    }

    @Test func aClosedPortIsConnectionRefused() async throws {
        let server = try await FakeSMTPServer(greeting: []) { _ in [] }
        let port = server.port
        await server.stop()
        let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: port, tls: .none, connectTimeout: 2))
        await #expect(throws: SMTPClientError.self) { try await session.open() }
        do { try await session.open() } catch let e as SMTPClientError { #expect(e.kind == "connection-refused") }
    }

    @Test func injectionInAnyValueIsRefusedBeforeConnecting() async throws {
        let server = try await FakeSMTPServer(greeting: [.send("220 x\r\n")]) { _ in [] }
        for bad in ["alice\r\nRSET", "bob@example.test>\nRCPT TO:<victim@x.test", "nul\0byte"] {
            let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: server.port, tls: .none))
            do { try await session.open(checking: ["fine@example.test", bad]); Issue.record("opened with \(bad)") } catch let e as SMTPClientError {
                #expect(e.kind == "invalid-input")
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(server.connections == 0)
        await server.stop()
    }

    @Test func injectionInClientNameIsRefusedBeforeConnecting() async throws {
        let server = try await FakeSMTPServer(greeting: [.send("220 x\r\n")]) { _ in [] }
        let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: server.port, tls: .none),
                                  clientName: "me\r\nMAIL FROM:<x@y>")
        do { try await session.open(); Issue.record("opened") } catch let e as SMTPClientError {
            #expect(e.kind == "invalid-input")
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(server.connections == 0)
        await server.stop()
    }
}

@Suite struct MessageDelivery {
    @Test func aMessageIsDotStuffedAndTheTranscriptHidesTheSecret() async throws {
        let server = try await FakeSMTPServer(greeting: [.send("220 fake.test ESMTP\r\n")]) { line in
            if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["AUTH LOGIN", "8BITMIME"]))] }
            if line == "AUTH LOGIN" { return [.send("334 VXNlcm5hbWU6\r\n")] }
            if line == Data("bob".utf8).base64EncodedString() { return [.send("334 UGFzc3dvcmQ6\r\n")] }
            if line == Data("pa55word".utf8).base64EncodedString() { return [.send("235 2.7.0 Authentication successful\r\n")] }
            if line.hasPrefix("MAIL") || line.hasPrefix("RCPT") { return [.send("250 2.1.0 ok\r\n")] }
            if line == "DATA" { return [.send("354 go on\r\n")] }
            if line == "." { return [.send("250 2.0.0 queued as 42\r\n")] }
            if line == "QUIT" { return [.send("221 bye\r\n"), .close] }
            return []
        }
        let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: server.port, tls: .none,
                                                              allowPlaintextPassword: true))
        try await session.open()
        try await session.authenticate(LoginMechanism(username: "bob", password: Secret("pa55word")))
        let done = try await session.send(from: "bob@example.test", to: ["carol@example.test"],
                                          message: Array("Subject: t\n\n.leading dot\nend".utf8))
        #expect(done.code == 250)
        await session.close()
        await server.stop()
        let lines = server.lines
        #expect(lines.contains("..leading dot"))
        #expect(lines.contains("MAIL FROM:<bob@example.test>"))
        #expect(lines.last == "QUIT")
        let text = session.transcript.text
        #expect(!text.contains(Data("pa55word".utf8).base64EncodedString()))
        #expect(!text.contains("pa55word"))
        #expect(text.contains("S: [data] 250 2.0.0 queued as 42"))
    }
}
