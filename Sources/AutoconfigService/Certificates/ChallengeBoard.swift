import ACME
import NIOSSL
import Synchronization

/// The ACME challenges being answered now: HTTP-01 key authorizations for the plain
/// listener's `/.well-known/acme-challenge/TOKEN`, and TLS-ALPN-01 certificates for a
/// handshake that offers only `acme-tls/1`.
public final class ChallengeBoard: ChallengeResponder {
    public let kinds: [ChallengeKind]
    private struct State {
        var http: [String: String] = [:]
        var alpn: [String: NIOSSLContext] = [:]
    }
    private let state = Mutex(State())

    /// The ALPN protocol of TLS-ALPN-01 (RFC 8737 §6.2).
    static let acmeALPN = "acme-tls/1"

    public init(kinds: [ChallengeKind]) { self.kinds = kinds }

    public func publish(_ challenge: PendingChallenge) throws {
        switch challenge.kind {
        case .http01:
            state.withLock { $0.http[challenge.token] = challenge.keyAuthorization }
        case .tlsALPN01:
            let answer = try ALPNChallengeCertificate(for: challenge)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: answer.certificateDER, format: .der))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(answer.keyPEM.utf8), format: .pem)))
            configuration.applicationProtocols = [Self.acmeALPN]
            let context = try NIOSSLContext(configuration: configuration)
            state.withLock { $0.alpn[challenge.name.lowercased()] = context }
        }
    }

    public func withdraw(_ challenge: PendingChallenge) {
        state.withLock {
            switch challenge.kind {
            case .http01: $0.http[challenge.token] = nil
            case .tlsALPN01: $0.alpn[challenge.name.lowercased()] = nil
            }
        }
    }

    /// The key authorization an HTTP-01 request for `token` gets.
    func httpAnswer(token: String) -> String? { state.withLock { $0.http[token] } }

    /// The challenge context for a handshake naming `serverName` that offers only acme-tls/1.
    func alpnContext(for hello: ClientHello) -> NIOSSLContext? {
        guard hello.protocols == [Self.acmeALPN], let name = hello.serverName else { return nil }
        return state.withLock { $0.alpn[name] }
    }
}
