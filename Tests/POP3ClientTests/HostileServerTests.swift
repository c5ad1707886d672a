import Foundation
import MailNet
import NIOCore
import SASL
import TestSupport
import Testing
@testable import POP3Client

/// The in-process scripted server (TestSupport's line server, written for SMTP but
/// protocol-blind: a greeting, then actions for each line received) playing POP3.
private typealias FakePOP3Server = FakeSMTPServer

private func capa(_ lines: [String]) -> String {
    "+OK\r\n" + lines.map { $0 + "\r\n" }.joined() + ".\r\n"
}

/// A well-behaved server with these capabilities; `answers` overrides a command's reply.
private func script(capabilities: [String], _ answers: [String: [FakeSMTPServer.Action]] = [:]) -> FakeSMTPServer.Script {
    { line in
        let verb = line.split(separator: " ").first.map { $0.uppercased() } ?? line
        if let answer = answers[verb] { return answer }
        switch verb {
        case "CAPA": return [.send(capa(capabilities))]
        case "QUIT": return [.send("+OK bye\r\n"), .close]
        default: return [.send("+OK\r\n")]
        }
    }
}

private func session(_ server: FakePOP3Server, tls: TLSMode = .none, replyTimeout: Double = 5, limits: POP3Limits = .default,
                     allowPlaintext: Bool = true) -> POP3Session {
    POP3Session(options: POP3SessionOptions(host: "127.0.0.1", port: server.port, tls: tls, trust: .noVerification,
                                            connectTimeout: 5, replyTimeout: replyTimeout, limits: limits,
                                            allowPlaintextPassword: allowPlaintext))
}

private func kind(of body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let e as POP3ClientError {
        return e.kind.name
    } catch {
        return "\(error)"
    }
}

@Suite struct HostileServers {
    /// Implicit TLS on a port that takes TCP and says nothing: the handshake is what is
    /// missing, not the greeting.
    @Test func anImplicitTLSPortThatNeverFinishesTheHandshakeIsTLSHandshakeTimeout() async throws {
        let server = try await FakePOP3Server(greeting: []) { _ in [] }
        let s = session(server, tls: .implicit, replyTimeout: 1)
        let found = await kind { try await s.open() }
        #expect(found == "tls-handshake-timeout", "\(found ?? "no failure")")
        #expect(s.greeting == nil)
        await s.close()
        await server.stop()
    }

    @Test func aGreetingThatIsNotPOP3IsNamed() async throws {
        let server = try await FakePOP3Server(greeting: [.send("220 smtp.example ESMTP\r\n")], script: script(capabilities: []))
        let s = session(server)
        #expect(await kind { try await s.open() } == "not-pop3")
        await s.close()
        await server.stop()
    }

    @Test func anErrGreetingIsARejection() async throws {
        let server = try await FakePOP3Server(greeting: [.send("-ERR too many connections\r\n")], script: script(capabilities: []))
        let s = session(server)
        #expect(await kind { try await s.open() } == "greeting-rejected")
        #expect(s.greeting?.text == "too many connections")
        await server.stop()
    }

    @Test func aSilentServerIsAGreetingTimeout() async throws {
        let server = try await FakePOP3Server(greeting: []) { _ in [] }
        let s = session(server, replyTimeout: 1)
        let start = Date()
        #expect(await kind { try await s.open() } == "greeting-timeout")
        #expect(Date().timeIntervalSince(start) < 90, "cut off by the deadline, not left waiting (the start of a whole run on two cores delays a short wait by up to about 35 s)")
        await server.stop()
    }

    @Test func anEndlessLineIsCutOff() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: [], [
            "CAPA": [.sendBytes(Array(repeating: UInt8(ascii: "a"), count: 100_000))],
        ]))
        let s = session(server)
        #expect(await kind { try await s.open() } == "reply-too-large")
        await server.stop()
    }

    @Test func aMultiLineAnswerThatNeverEndsIsCutOff() async throws {
        let endless = "+OK\r\n" + String(repeating: "X-FILLER\r\n", count: 5000)
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: [], ["CAPA": [.send(endless)]]))
        let s = session(server)
        #expect(await kind { try await s.open() } == "reply-too-large")
        await server.stop()
    }

    @Test func aMultiLineAnswerThatStopsIsATimeout() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: [], [
            "CAPA": [.send("+OK\r\nTOP\r\n")],
        ]))
        let s = session(server, replyTimeout: 1)
        let start = Date()
        #expect(await kind { try await s.open() } == "timeout")
        #expect(Date().timeIntervalSince(start) < 90, "cut off by the deadline, not left waiting (the start of a whole run on two cores delays a short wait by up to about 35 s)")
        await server.stop()
    }

    @Test func bytesAfterTheSTLSOkAreAnInjection() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["STLS", "USER"], [
            "STLS": [.send("+OK Begin TLS negotiation\r\n+OK injected\r\n")],
        ]))
        let s = session(server, tls: .startTLS)
        #expect(await kind { try await s.open() } == "starttls-injection")
        #expect(!s.isEncrypted)
        await server.stop()
    }

    @Test func noSTLSMeansStoppingBeforeAnythingElse() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["USER"]))
        let s = session(server, tls: .startTLS)
        #expect(await kind { try await s.open() } == "starttls-not-offered")
        await s.close()
        await server.stop()
        #expect(server.lines.filter { $0 != "QUIT" } == ["CAPA"])
    }

    @Test func anSTLSRefusalIsNamed() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["STLS"], [
            "STLS": [.send("-ERR not now\r\n")],
        ]))
        let s = session(server, tls: .startTLS)
        #expect(await kind { try await s.open() } == "starttls-refused")
        await server.stop()
    }

    @Test func dataNobodyAskedForIsAProtocolError() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n+OK surprise\r\n")], script: script(capabilities: []))
        let s = session(server)
        #expect(await kind { try await s.open() } == "protocol-error")
        await server.stop()
    }

    @Test(arguments: [("-ERR [AUTH] Invalid login\r\n", "auth-rejected"), ("-ERR [IN-USE] Mailbox locked\r\n", "mailbox-in-use"),
                      ("-ERR [SYS/TEMP] Try later\r\n", "login-temporary-failure"), ("-ERR wrong password\r\n", "auth-rejected")])
    func anErrToPASSIsTold(reply: String, expected: String) async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["USER"], [
            "PASS": [.send(reply)],
        ]))
        let s = session(server)
        try await s.open()
        #expect(await kind { try await s.authenticate(username: "alice", password: Secret("pw")) } == expected)
        await s.close()
        await server.stop()
    }

    @Test func anErrToAUTHIsARejection() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["SASL PLAIN"], [
            "AUTH": [.send("-ERR [AUTH] Authentication failed.\r\n")],
        ]))
        let s = session(server)
        try await s.open()
        #expect(await kind { try await s.authenticate(username: "alice", password: Secret("pw")) } == "auth-rejected")
        await s.close()
        await server.stop()
    }

    @Test func silenceAfterTheLoginIsATimeout() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["USER"], ["PASS": []]))
        let s = session(server, replyTimeout: 1)
        try await s.open()
        let start = Date()
        #expect(await kind { try await s.authenticate(username: "alice", password: Secret("pw")) } == "timeout")
        #expect(Date().timeIntervalSince(start) < 90, "cut off by the deadline, not left waiting (the start of a whole run on two cores delays a short wait by up to about 35 s)")
        await s.close()
        await server.stop()
    }

    @Test func closeDoesNotWaitLongForAnUnansweredQUIT() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: [], ["QUIT": []]))
        let s = session(server, replyTimeout: 30)
        try await s.open()
        let start = Date()
        await s.close()
        #expect(Date().timeIntervalSince(start) < 90, "cut off by the deadline, not left waiting (the start of a whole run on two cores delays a short wait by up to about 35 s)")
        await server.stop()
    }
}

@Suite struct Logins {
    @Test func aPasswordIsNotSentInTheClearUnlessAllowed() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["USER", "SASL PLAIN LOGIN"]))
        let s = session(server, allowPlaintext: false)
        try await s.open()
        #expect(await kind { try await s.authenticate(username: "alice", password: Secret("pw")) } == "plaintext-auth-refused")
        #expect(await kind { try await s.authenticate(PlainMechanism(username: "alice", password: Secret("pw"))) } == "plaintext-auth-refused")
        await s.close()
        await server.stop()
        #expect(server.lines == ["CAPA", "QUIT"])
    }

    @Test func valuesWithLineBreaksAreRefusedBeforeSending() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["USER", "SASL PLAIN"]))
        let s = session(server)
        try await s.open()
        #expect(await kind { try await s.authenticate(username: "alice\r\nDELE 1", password: Secret("pw")) } == "invalid-input")
        #expect(await kind { try await s.authenticate(username: "alice", password: Secret("pw\r\nDELE 1")) } == "invalid-input")
        #expect(await kind { try await s.authenticate(PlainMechanism(username: "alice", password: Secret("p\0w"))) } == "invalid-input")
        await s.close()
        await server.stop()
        #expect(server.lines == ["CAPA", "QUIT"])
    }

    @Test func userPassWhenNoSASLIsOffered() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["USER"]))
        let s = session(server)
        try await s.open()
        #expect(try await s.authenticate(username: "alice", password: Secret("hunter2")) == "USER")
        await s.close()
        await server.stop()
        #expect(server.lines == ["CAPA", "USER alice", "PASS hunter2", "QUIT"])
        #expect(!s.transcript.text.contains("hunter2"))
        #expect(s.transcript.text.contains("PASS <redacted>"))
    }

    @Test func plainGoesWithItsInitialResponse() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["SASL PLAIN LOGIN"]))
        let s = session(server)
        try await s.open()
        #expect(try await s.authenticate(username: "alice", password: Secret("hunter2")) == "PLAIN")
        await s.close()
        await server.stop()
        let blob = Data("\0alice\0hunter2".utf8).base64EncodedString()
        #expect(server.lines.contains("AUTH PLAIN \(blob)"))
        #expect(!s.transcript.text.contains(blob) && !s.transcript.text.contains("hunter2"))
    }

    @Test func loginAnswersEachChallengeAndTheTranscriptHidesThem() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: { line in
            switch line {
            case "CAPA": return [.send(capa(["SASL LOGIN"]))]
            case "AUTH LOGIN": return [.send("+ VXNlcm5hbWU6\r\n")]
            case Data("alice".utf8).base64EncodedString(): return [.send("+ UGFzc3dvcmQ6\r\n")]
            case Data("hunter2".utf8).base64EncodedString(): return [.send("+OK logged in\r\n")]
            case "QUIT": return [.send("+OK bye\r\n")]
            default: return [.send("-ERR what\r\n")]
            }
        })
        let s = session(server)
        try await s.open()
        try await s.authenticate(LoginMechanism(username: "alice", password: Secret("hunter2")))
        await s.close()
        await server.stop()
        #expect(!s.transcript.text.contains("UGFzc3dvcmQ6") && !s.transcript.text.contains("aHVudGVyMg=="))
        #expect(s.transcript.entries.filter { $0.text == "+ <redacted>" }.count == 2)
    }

    @Test func aLongInitialResponseWaitsForTheFirstChallenge() async throws {
        let token = String(repeating: "t", count: 400)
        let expected = Data("user=alice\u{1}auth=Bearer \(token)\u{1}\u{1}".utf8).base64EncodedString()
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: { line in
            switch line {
            case "CAPA": return [.send(capa(["SASL XOAUTH2"]))]
            case "AUTH XOAUTH2": return [.send("+ \r\n")]
            case expected: return [.send("+OK\r\n")]
            case "QUIT": return [.send("+OK bye\r\n")]
            default: return [.send("-ERR what\r\n")]
            }
        })
        let s = session(server)
        try await s.open()
        try await s.authenticate(XOAuth2Mechanism(username: "alice", token: Secret(token)))
        await s.close()
        await server.stop()
        #expect(!s.transcript.text.contains(token))
    }

    @Test func aMechanismNotOfferedIsNamed() async throws {
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: script(capabilities: ["SASL PLAIN"]))
        let s = session(server)
        try await s.open()
        #expect(await kind { try await s.authenticate(CramMD5Mechanism(username: "a", password: Secret("b"))) } == "auth-mechanism-not-offered")
        await s.close()
        await server.stop()
    }
}

@Suite struct ChallengeLogins {
    @Test func cramMD5IsChosenWithoutTLSAndAnswersTheChallenge() async throws {
        let challenge = "<1896.697170952@postoffice.example.net>"
        let server = try await FakePOP3Server(greeting: [.send("+OK hi\r\n")], script: { line in
            switch line {
            case "CAPA": return [.send(capa(["SASL PLAIN CRAM-MD5", "USER"]))]
            case "AUTH CRAM-MD5": return [.send("+ \(Data(challenge.utf8).base64EncodedString())\r\n")]
            case "QUIT": return [.send("+OK bye\r\n")]
            default:
                let answer = Data(base64Encoded: line).map { String(decoding: $0, as: UTF8.self) } ?? ""
                return [.send(answer.hasPrefix("alice ") && answer.count == 6 + 32 ? "+OK\r\n" : "-ERR [AUTH] bad\r\n")]
            }
        })
        let s = session(server, allowPlaintext: false)
        try await s.open()
        #expect(try await s.authenticate(username: "alice", password: Secret("tanstaaf")) == "CRAM-MD5")
        await s.close()
        await server.stop()
        #expect(!s.transcript.text.contains("tanstaaf"))
    }
}
