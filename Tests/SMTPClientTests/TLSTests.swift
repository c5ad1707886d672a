import Foundation
import MailNet
import NIOSSL
import SASL
import TestSupport
import Testing
@testable import SMTPClient

private let plainScript: FakeSMTPServer.Script = { line in
    if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["STARTTLS", "AUTH PLAIN"]))] }
    if line == "STARTTLS" { return [.startTLS("220 2.0.0 Ready to start TLS\r\n")] }
    if line.hasPrefix("AUTH PLAIN") { return [.send("235 2.7.0 ok\r\n")] }
    return [.send("221 bye\r\n")]
}

@Suite(.needs(.openssl))
struct TLSSessions {
    @Test func startTLSWithTheRightCAUpgradesAndSaysEHLOAgain() async throws {
        let pki = try TestPKI()
        let server = try await FakeSMTPServer(greeting: [.send("220 localhost ESMTP\r\n")], tls: try pki.serverContext("localhost"),
                                              script: plainScript)
        let session = SMTPSession(options: SMTPSessionOptions(host: "localhost", port: server.port, tls: .startTLS,
                                                              trust: .caFile(pki.caFile), connectTimeout: 15, replyTimeout: 15))
        try await session.open()
        #expect(session.isEncrypted)
        #expect(session.capabilitiesBeforeTLS?.startTLS == true)
        #expect(await session.tls?.version != nil)
        #expect(await session.tls?.certificate?.dnsNames == ["localhost"])
        #expect(await session.tls?.chain.first == session.tls?.certificate)
        try await session.authenticate(PlainMechanism(username: "alice", password: Secret("pw")))
        await session.close()
        await server.stop()
        #expect(server.lines.filter { $0.hasPrefix("EHLO") }.count == 2)
    }

    @Test func implicitTLS() async throws {
        let pki = try TestPKI()
        let server = try await FakeSMTPServer(greeting: [.send("220 localhost ESMTP\r\n")], tls: try pki.serverContext("localhost"),
                                              implicitTLS: true, script: plainScript)
        let session = SMTPSession(options: SMTPSessionOptions(host: "localhost", port: server.port, tls: .implicit,
                                                              trust: .caFile(pki.caFile), connectTimeout: 15, replyTimeout: 15))
        try await session.open()
        #expect(session.isEncrypted)
        #expect(session.greeting?.code == 220)
        await session.close()
        await server.stop()
    }

    @Test func untrustedIssuerAndWrongNameAreToldApart() async throws {
        let pki = try TestPKI()
        for (cert, trust, kind) in [("localhost", TrustPolicy.system, "certificate-untrusted"),
                                    ("other", .caFile(pki.caFile), "certificate-name-mismatch")] {
            let server = try await FakeSMTPServer(greeting: [.send("220 localhost ESMTP\r\n")], tls: try pki.serverContext(cert),
                                                  implicitTLS: true, script: plainScript)
            let session = SMTPSession(options: SMTPSessionOptions(host: "localhost", port: server.port, tls: .implicit,
                                                                  trust: trust, connectTimeout: 15, replyTimeout: 15))
            do { try await session.open(); Issue.record("\(cert) accepted") } catch let e as SMTPClientError {
                #expect(e.kind == kind, "\(cert): \(e)")
            }
            await session.close()
            await server.stop()
            // The handshake failed, so not one command was sent.
            #expect(server.lines.isEmpty)
        }
    }

    @Test func plaintextGreetingWhereTLSWasExpected() async throws {
        let server = try await FakeSMTPServer(greeting: [.send("220 plain.test ESMTP\r\n")], script: plainScript)
        let session = SMTPSession(options: SMTPSessionOptions(host: "127.0.0.1", port: server.port, tls: .implicit,
                                                              connectTimeout: 15, replyTimeout: 15))
        do { try await session.open(); Issue.record("accepted plaintext") } catch let e as SMTPClientError {
            #expect(e.kind == "tls-handshake-failed", "\(e)")
        }
        await session.close()
        await server.stop()
    }
}
