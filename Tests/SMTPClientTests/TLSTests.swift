import Foundation
import MailNet
import NIOSSL
import SASL
import TestSupport
import Testing
@testable import SMTPClient

/// A throw-away CA and server certificates made with the openssl command for these tests.
final class TestPKI: @unchecked Sendable {
    let dir: URL
    var caFile: String { dir.appendingPathComponent("ca.pem").path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailconf-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                 "-subj", "/CN=mailconf test CA"])
        try issue("localhost", san: "DNS:localhost,IP:127.0.0.1")
        try issue("other", san: "DNS:other.test")
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    private func issue(_ name: String, san: String) throws {
        try "subjectAltName=\(san)\n".write(to: dir.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
        try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
        try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"])
    }

    private func run(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func serverContext(_ name: String) throws -> NIOSSLContext {
        let cert = try NIOSSLCertificate.fromPEMFile(dir.appendingPathComponent("\(name).pem").path)
        let key = try NIOSSLPrivateKey(file: dir.appendingPathComponent("\(name).key").path, format: .pem)
        return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: cert.map { .certificate($0) },
                                                                         privateKey: .privateKey(key)))
    }
}

private let opensslAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")

private let plainScript: FakeSMTPServer.Script = { line in
    if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["STARTTLS", "AUTH PLAIN"]))] }
    if line == "STARTTLS" { return [.startTLS("220 2.0.0 Ready to start TLS\r\n")] }
    if line.hasPrefix("AUTH PLAIN") { return [.send("235 2.7.0 ok\r\n")] }
    return [.send("221 bye\r\n")]
}

@Suite(.enabled(if: opensslAvailable, "needs /usr/bin/openssl (apt-get install openssl) to make test certificates"))
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
        #expect(session.tls?.version != nil)
        #expect(session.tls?.certificate?.dnsNames == ["localhost"])
        #expect(session.tls?.chain.first == session.tls?.certificate)
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
