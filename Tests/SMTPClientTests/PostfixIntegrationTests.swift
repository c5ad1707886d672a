import Foundation
import MailNet
@testable import SASL
import Testing
import TestSupport
@testable import SMTPClient

/// The lab MTA's password and a session factory for these tests.
extension LabServers {
    var password: Secret { Secret(passwordText) }

    func session(_ portName: LabPort, tls: TLSMode, host: String = "127.0.0.1", trust: TrustPolicy? = nil,
                 allowPlaintext: Bool = false) -> SMTPSession {
        SMTPSession(options: SMTPSessionOptions(host: host, port: port(portName), tls: tls, trust: trust ?? .caFile(caFile),
                                                connectTimeout: 15, replyTimeout: 15, allowPlaintextPassword: allowPlaintext))
    }
}

@Suite(.serialized, .needs(.lab))
struct PostfixIntegration {
    let servers = LabServers.current!

    @Test func plainPortAcceptsAndDeliversAMessage() async throws {
        let token = UUID().uuidString
        let session = servers.session(.plain, tls: .none)
        try await session.open()
        #expect(session.capabilities?.startTLS == false)
        #expect(session.capabilities?.authMechanisms == [])
        #expect(try await session.probeMailFrom("probe@example.test").code == 250)
        let message = "From: probe@example.test\r\nTo: \(servers.user)\r\nSubject: mailconf \(token)\r\n\r\n.dot line\r\nbody\r\n"
        let reply = try await session.send(from: "probe@example.test", to: [servers.user], message: Array(message.utf8))
        #expect(reply.code == 250)
        await session.close()
        // Find it in the mailbox (Postfix's virtual agent writes Maildir/new).
        let found = await servers.deliveredMessage(containing: token)
        let delivered = try #require(found, "message \(token) not delivered")
        #expect(delivered.contains("\n.dot line"))   // dot-stuffing undone by the server
    }

    @Test func submissionRequiresSTARTTLSBeforeAUTH() async throws {
        let plain = servers.session(.submission, tls: .none, allowPlaintext: true)
        try await plain.open()
        #expect(plain.capabilities?.startTLS == true)
        #expect(plain.capabilities?.authMechanisms == [])     // smtpd_tls_auth_only
        let mail = try await plain.probeMailFrom("alice@example.test")
        #expect(mail.code == 530)                              // "Must issue a STARTTLS command first"
        do {
            try await plain.authenticate(PlainMechanism(username: servers.user, password: servers.password))
            Issue.record("AUTH without TLS")
        } catch let e as SMTPClientError { #expect(e.kind == "auth-not-offered") }
        await plain.close()

        let tls = servers.session(.submission, tls: .startTLS)
        try await tls.open()
        #expect(tls.isEncrypted)
        #expect(tls.capabilities?.authMechanisms.contains("PLAIN") == true)
        try await tls.authenticate(PlainMechanism(username: servers.user, password: servers.password))
        await tls.close()
        #expect(!tls.transcript.text.contains(servers.password.value))
    }

    @Test func wrongPasswordIsRejectedWithAnEnhancedCode() async throws {
        let session = servers.session(.submission, tls: .startTLS)
        try await session.open()
        do {
            try await session.authenticate(LoginMechanism(username: servers.user, password: Secret("wrong-password")))
            Issue.record("accepted a wrong password")
        } catch let SMTPClientError.authRejected(reply) {
            #expect(reply.code == 535)
            #expect(reply.enhancedCode?.description == "5.7.8")
        }
        await session.close()
    }

    @Test func implicitTLSWithLoginAndPlain() async throws {
        for mechanism in ["LOGIN", "PLAIN"] {
            let session = servers.session(.smtps, tls: .implicit, host: "localhost")
            try await session.open()
            #expect(session.isEncrypted)
            #expect(await session.tls?.version != nil)
            if mechanism == "LOGIN" {
                try await session.authenticate(LoginMechanism(username: servers.user, password: servers.password))
            } else {
                try await session.authenticate(PlainMechanism(username: servers.user, password: servers.password))
            }
            await session.close()
        }
    }

    @Test func strongestMechanismIsChosenAndCertificateReported() async throws {
        let session = servers.session(.submission, tls: .startTLS, host: "localhost")
        try await session.open()
        #expect(try await session.authenticate(username: servers.user, password: servers.password) == "PLAIN")
        let cert = try #require(await session.tls?.certificate)
        #expect(cert.dnsNames.contains("localhost"))
        #expect(cert.ipAddresses == ["127.0.0.1"])
        #expect(cert.issuer.contains("mailconf test CA"))
        #expect(cert.validity() == .current)
        #expect(await session.tls?.verified == true)
        #expect(await session.tls?.chain.first == cert)
        #expect(session.addressesTried.last?.error == nil)
        #expect(session.addressesTried.last?.address == "127.0.0.1")
        await session.close()
        let cram = servers.session(.cram, tls: .none)
        try await cram.open()
        #expect(try await cram.authenticate(username: servers.user, password: servers.password) == "CRAM-MD5")
        await cram.close()
    }

    @Test func cramMD5OnlyPort() async throws {
        let session = servers.session(.cram, tls: .none)
        try await session.open()
        #expect(session.capabilities?.authMechanisms == ["CRAM-MD5"])
        do {
            try await session.authenticate(PlainMechanism(username: servers.user, password: servers.password))
            Issue.record("PLAIN went through")
        } catch let e as SMTPClientError { #expect(e.kind == "auth-mechanism-not-offered") }
        try await session.authenticate(CramMD5Mechanism(username: servers.user, password: servers.password))
        await session.close()
    }

    @Test func badCertificatesAreToldApart() async throws {
        let expired = servers.session(.expired, tls: .implicit, host: "localhost")
        do { try await expired.open(); Issue.record("expired certificate accepted") } catch let e as SMTPClientError {
            #expect(e.kind == "certificate-expired", "\(e)")
            #expect(e.description.contains("2020-02-01"), "\(e)")
        }
        await expired.close()
        let wrong = servers.session(.wrongName, tls: .implicit, host: "localhost")
        do { try await wrong.open(); Issue.record("wrong name accepted") } catch let e as SMTPClientError {
            #expect(e.kind == "certificate-name-mismatch", "\(e)")
        }
        await wrong.close()
        let untrusted = servers.session(.smtps, tls: .implicit, host: "localhost", trust: .system)
        do { try await untrusted.open(); Issue.record("private CA trusted by the system store") } catch let e as SMTPClientError {
            #expect(e.kind == "certificate-untrusted", "\(e)")
        }
        await untrusted.close()
    }
}
