import Foundation
import NIOSSL

/// A throw-away CA and server certificates made with the openssl command for these tests
/// (gate them with `.needs(.openssl)`).
public final class TestPKI: @unchecked Sendable {
    public let dir: URL
    public var caFile: String { dir.appendingPathComponent("ca.pem").path }

    public init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailconf-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                 "-subj", "/CN=mailconf test CA"])
        try issue("localhost", san: "DNS:localhost,IP:127.0.0.1")
        try issue("other", san: "DNS:other.test")
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    /// One CA for every suite of the test process that needs no CA of its own, made once,
    /// off the cooperative pool: each CA is three RSA keys, and the async tests beside
    /// need the pool's threads and the machine's two cores.
    public static func shared() async throws -> TestPKI {
        try await offThePool { try sharedNow() }
    }

    /// ``shared()`` for work already off the pool.
    public static func sharedNow() throws -> TestPKI { try sharedOnce.get() }

    private static let sharedOnce = Result { try TestPKI() }

    /// Another certificate from this CA: `NAME.pem` and `NAME.key` in `dir`, for the SANs given
    /// (`DNS:a.test,DNS:b.test`).
    public func issue(_ name: String, san: String) throws {
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

    public func serverContext(_ name: String) throws -> NIOSSLContext {
        let cert = try NIOSSLCertificate.fromPEMFile(dir.appendingPathComponent("\(name).pem").path)
        let key = try NIOSSLPrivateKey(file: dir.appendingPathComponent("\(name).key").path, format: .pem)
        return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: cert.map { .certificate($0) },
                                                                         privateKey: .privateKey(key)))
    }
}
