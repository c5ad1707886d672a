import Foundation
import MailNet
import SASL
import Testing
import TestSupport
@testable import POP3Client

extension LabServers {
    func pop3(_ portName: LabPort, tls: TLSMode, host: String = "localhost", trust: TrustPolicy? = nil,
              allowPlaintext: Bool = false) -> POP3Session {
        // localhost may resolve to ::1 first, where the lab does not listen: the session tries each address.
        POP3Session(options: POP3SessionOptions(host: host, port: port(portName), tls: tls, trust: trust ?? .caFile(caFile),
                                                connectTimeout: 15, replyTimeout: 15, allowPlaintextPassword: allowPlaintext))
    }
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

/// Against the lab's real Dovecot. A failed login is answered on Dovecot's next 500 ms tick.
@Suite(.serialized, .needs(.lab))
struct DovecotPOP3 {
    let lab = LabServers.current!
    var password: Secret { Secret(lab.passwordText) }

    @Test func loginOverSTLS() async throws {
        let s = lab.pop3(.pop3, tls: .startTLS)
        try await s.open()
        #expect(s.greeting?.isOK == true)
        #expect(s.capabilitiesBeforeTLS?.stls == true)
        #expect(s.isEncrypted)
        #expect(await s.tls?.version != nil)
        #expect(await s.tls?.certificate?.dnsNames.contains("localhost") == true)
        #expect(s.capabilities?.offers("PLAIN") == true)
        #expect(s.addressesTried.last?.error == nil)
        let used = try await s.authenticate(username: lab.user, password: password)
        #expect(used == "PLAIN")
        await s.close()
        #expect(!s.transcript.text.contains(lab.passwordText))
        let sent = s.transcript.entries.filter { $0.direction == .sent }.map(\.text)
        #expect(sent == ["CAPA", "STLS", "CAPA", "AUTH PLAIN <redacted>", "QUIT"])
        // QUIT goes out last; its +OK is not waited for (no round trip spent on it).
        #expect(s.transcript.entries.last?.text == "QUIT")
    }

    /// Where CRAM-MD5 is the only mechanism (the lab's CRAM-MD5 Dovecot): chosen for a
    /// password, and a wrong one is auth-rejected.
    @Test func cramMD5IsChosenWhereItIsTheOnlyWay() async throws {
        let s = lab.pop3(.pop3CRAM, tls: .none)
        try await s.open()
        #expect(s.capabilities?.saslMechanisms == ["CRAM-MD5"])
        #expect(try await s.authenticate(username: lab.user, password: password) == "CRAM-MD5")
        await s.close()
        #expect(!s.transcript.text.contains(lab.passwordText))

        let bad = lab.pop3(.pop3CRAM, tls: .none)
        try await bad.open()
        #expect(await kind { try await bad.authenticate(CramMD5Mechanism(username: lab.user, password: Secret("wrong"))) } == "auth-rejected")
        await bad.close()
    }

    /// SASL LOGIN carries a password that is not ASCII (UTF-8, base64-encoded) as it is.
    @Test func saslLoginWithAnEightBitPassword() async throws {
        let s = lab.pop3(.pop3, tls: .startTLS)
        try await s.open()
        let password = Secret(lab.utf8PasswordText)
        try await s.authenticate(LoginMechanism(username: lab.utf8User, password: password))
        await s.close()
        #expect(!s.transcript.text.contains(lab.utf8PasswordText))
    }

    @Test func loginOverImplicitTLS() async throws {
        let s = lab.pop3(.pop3s, tls: .implicit)
        try await s.open()
        #expect(s.isEncrypted)
        #expect(s.capabilitiesBeforeTLS == nil)
        try await s.authenticate(LoginMechanism(username: lab.user, password: password))
        await s.close()
        #expect(!s.transcript.text.contains(lab.passwordText))
        #expect(!s.transcript.text.contains(Data(lab.passwordText.utf8).base64EncodedString()))
    }

    @Test func aWrongPasswordIsRejectedWithTheServersWords() async throws {
        let s = lab.pop3(.pop3s, tls: .implicit)
        try await s.open()
        do {
            try await s.authenticate(username: lab.user, password: Secret("not the password"))
            Issue.record("logged in with a wrong password")
        } catch let e as POP3ClientError {
            #expect(e.kind == "auth-rejected")
            #expect(e.description.contains("Authentication failed"))
        }
        await s.close()
    }

    @Test func aPlaintextLoginBeforeSTLSIsTLSRequired() async throws {
        let s = lab.pop3(.pop3Remote, tls: .none, host: "127.0.0.2", allowPlaintext: true)
        try await s.open()
        #expect(s.capabilities?.stls == true)
        #expect(await kind { try await s.authenticate(username: lab.user, password: password) } == "tls-required")
        await s.close()
        #expect(!s.transcript.text.contains(lab.passwordText))
    }

    @Test func withoutPermissionNoPasswordGoesOutInTheClear() async throws {
        let s = lab.pop3(.pop3Remote, tls: .none, host: "127.0.0.2")
        try await s.open()
        #expect(await kind { try await s.authenticate(username: lab.user, password: password) } == "plaintext-auth-refused")
        await s.close()
        #expect(!s.transcript.entries.contains { $0.direction == .sent && ($0.text.hasPrefix("USER") || $0.text.hasPrefix("AUTH")) })
    }

    @Test func theRemotePortTakesALoginAfterSTLS() async throws {
        let s = lab.pop3(.pop3Remote, tls: .startTLS, host: "127.0.0.2", trust: .noVerification)
        try await s.open()
        try await s.authenticate(username: lab.user, password: password)
        await s.close()
    }

    @Test func theSystemTrustStoreDoesNotKnowTheLabCA() async throws {
        let s = lab.pop3(.pop3s, tls: .implicit, trust: .system)
        #expect(await kind { try await s.open() } == "certificate-untrusted")
        await s.close()
        let stls = lab.pop3(.pop3, tls: .startTLS, trust: .system)
        #expect(await kind { try await stls.open() } == "certificate-untrusted")
        await stls.close()
    }

    @Test func implicitTLSOnThePlaintextPortFailsTheHandshake() async throws {
        let s = lab.pop3(.pop3, tls: .implicit)
        #expect(await kind { try await s.open() } == "tls-handshake-failed")
        await s.close()
    }

    @Test func plaintextOnTheTLSPortGetsNoGreeting() async throws {
        // Dovecot waits for a ClientHello and says nothing: the greeting never comes.
        let s = POP3Session(options: POP3SessionOptions(host: "127.0.0.1", port: lab.port(.pop3s), tls: .none,
                                                        connectTimeout: 5, replyTimeout: 1))
        let start = Date()
        #expect(await kind { try await s.open() } == "greeting-timeout")
        #expect(Date().timeIntervalSince(start) < 90, "cut off by the deadline, not left waiting (the start of a whole run on two cores delays a short wait by up to about 35 s)")
        await s.close()
    }
}
