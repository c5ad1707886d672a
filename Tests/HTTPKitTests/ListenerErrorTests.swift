import Failures
import Foundation
import HTTPKit
import NIOCore
import Testing

/// A listener's start-up errors name its own address and options.
@Suite struct ListenerErrors {
    @Test func aBindErrorNamesThisListenersAddressAndWhatToDo() {
        let admin = Listener(host: "127.0.0.1", port: 8081, limits: ConnectionLimits(maxConnections: 8),
                             hostOption: "--admin", portOption: "--admin")
        let inUse = admin.explain(IOError(errnoCode: EADDRINUSE, reason: "bind")) as? ListenerError
        #expect(inUse?.kind == .serviceCannotListen)
        #expect(inUse?.description == "cannot listen on 127.0.0.1 port 8081 (--admin): Address already in use; stop what listens there (ss -ltnp) or choose another port")
        let notHere = admin.explain(IOError(errnoCode: EADDRNOTAVAIL, reason: "bind")) as? ListenerError
        #expect(notHere?.description.hasSuffix("give --admin an address of this machine") == true)
        let serve = Listener(host: "::1", port: 80, limits: ConnectionLimits(maxConnections: 8))
        #expect((serve.explain(IOError(errnoCode: EACCES, reason: "bind")) as? ListenerError)?.description
                .hasPrefix("cannot listen on ::1 port 80: Permission denied; ports below 1024") == true)
        // Anything else passes as it is.
        #expect(serve.explain(IOError(errnoCode: ECONNRESET, reason: "read")) is IOError)
    }

    @Test func unusableTLSFilesAreNamedWithTheirOptions() {
        let files = TLSFiles(certificateChain: "/nonexistent.pem", privateKey: "/nonexistent.key",
                             options: ("--admin-tls-cert", "--admin-tls-key"), failure: FailureKind("admin-tls-error"))
        #expect {
            _ = try files.handlers()
        } throws: { error in
            let e = error as? ListenerError
            return e?.kind.name == "admin-tls-error"
                && e?.description.hasPrefix("cannot use --admin-tls-cert /nonexistent.pem with --admin-tls-key /nonexistent.key: ") == true
        }
    }

    /// A listener's key is read only when no one but its owner may read it; the error
    /// names both options, the key file and the fix, never the key.
    @Test func aKeyFileOthersMayReadIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("key.pem"), chain = folder.appendingPathComponent("chain.pem")
        try "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n".write(to: key, atomically: true, encoding: .utf8)
        try "not read\n".write(to: chain, atomically: true, encoding: .utf8)
        chmod(key.path, 0o644)
        let files = TLSFiles(certificateChain: chain.path, privateKey: key.path)
        #expect {
            _ = try files.handlers()
        } throws: { error in
            let text = (error as? ListenerError)?.description ?? ""
            return text.hasPrefix("cannot use --tls-cert \(chain.path) with --tls-key \(key.path): the key \(key.path) may be read by others (mode 644); chmod 600 it")
                && !text.contains("c2VjcmV0")
        }
    }

    @Test func urlsBracketIPv6() {
        #expect(Listener.url(scheme: "https", host: "::1", port: 8443) == "https://[::1]:8443")
        #expect(Listener.url(scheme: "http", host: "127.0.0.1", port: 80) == "http://127.0.0.1:80")
    }
}
