import NIOSSL
import Synchronization

/// The https listener's certificates, chosen per connection by the name the client asks
/// for (SNI), and replaceable while serving: a renewed certificate is used by the next
/// handshake, and connections already open keep theirs.
public final class ServedCertificates: Sendable {
    private struct State {
        var byName: [String: NIOSSLContext] = [:]
        /// For a client that names no known name: --tls-cert's, else the first installed.
        var fallback: NIOSSLContext?
    }
    private let state = Mutex(State())

    public init() {}

    /// The certificate given with --tls-cert and --tls-key.
    public func setFallback(_ configuration: TLSConfiguration) throws {
        let context = try NIOSSLContext(configuration: configuration)
        state.withLock { $0.fallback = context }
    }

    /// Serves a chain (PEM) and its key for these names from the next handshake on.
    public func install(names: [String], chainPEM: String, keyPEM: String) throws {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(chainPEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        let context = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        state.withLock { s in
            for name in names { s.byName[name.lowercased()] = context }
            if s.fallback == nil { s.fallback = context }
        }
    }

    /// The context for a handshake that names `serverName` (nil: none to serve).
    func context(for serverName: String?) -> NIOSSLContext? {
        state.withLock { s in serverName.flatMap { s.byName[$0] } ?? s.fallback }
    }
}
