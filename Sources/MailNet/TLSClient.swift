import NIOCore
import NIOSSL
import X509

/// TLS to one server under one trust policy: the context, the name to check, and the
/// certificate verification (swift-certificates: RFC 5280 paths, RFC 6125 names) whose
/// verdict names a failure. Made once per connection attempt; its handler goes into the
/// channel's pipeline, from the first byte or after STARTTLS.
public struct TLSClient: Sendable {
    public let context: NIOSSLContext
    /// The name sent as SNI and checked in the certificate; nil for an IP address.
    public let serverHostname: String?
    /// nil when verification was switched off at the caller's request.
    public let verification: CertificateCheck?

    public init(trust: TrustPolicy, host: String) throws(TLSFailure) {
        var config = TLSConfiguration.makeClientConfiguration()
        // On close the client sends its close_notify and does not wait for the server's:
        // a check has what it wanted by then, and each wait is a round trip.
        config.shutdownTimeout = .zero
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let isIP = (try? SocketAddress(ipAddress: bare, port: 0)) != nil
        if trust == .noVerification {
            config.certificateVerification = .none
            verification = nil
        } else {
            let roots = try CertificateCheck.roots(for: trust)
            verification = CertificateCheck(roots: roots, hostname: isIP ? nil : bare, ip: isIP ? bare : nil)
            // The verifier decides trust; BoringSSL need not load the system bundle for
            // every connection (that was most of an SMTP session's CPU time).
            config.trustRoots = .certificates([])
        }
        do {
            context = try NIOSSLContext(configuration: config)
        } catch {
            throw .handshakeFailed("cannot set up TLS: \(error)")
        }
        serverHostname = isIP ? nil : bare
    }

    public func makeHandler() throws -> NIOSSLClientHandler {
        if let verification {
            return try NIOSSLClientHandler(context: context, serverHostname: serverHostname,
                                           customVerificationCallback: { verification.callback($0, $1) })
        }
        return try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
    }

    /// What the TLS layer of `channel` (its NIOSSL handler, from the first byte or after
    /// STARTTLS) reports once the handshake is done, unparsed; nil when the channel has
    /// none. On the channel's event loop, which it holds for microseconds: the
    /// certificates are read later, by ``HandshakeFacts/details``, off the loop.
    public func facts(on channel: any Channel) -> HandshakeFacts? {
        channel.eventLoop.preconditionInEventLoop()
        guard let tls = try? channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self) else { return nil }
        return HandshakeFacts(version: tls.tlsVersion, leaf: tls.peerCertificate.flatMap { try? $0.toDERBytes() },
                              verification: verification)
    }

    /// A finished handshake's facts as the TLS layer has them.
    public struct HandshakeFacts: Sendable {
        let version: TLSVersion?
        let leaf: [UInt8]?
        let verification: CertificateCheck?

        /// The facts for people: the version, and the certificates parsed.
        public var details: TLSDetails {
            TLSDetails(version: version.map(TLSDetails.name), verified: verification != nil,
                       certificate: leaf.flatMap(CertificateInfo.init(der:)), chain: verification?.chain ?? [])
        }
    }

    /// The named failure behind an error that TLS raised on this client's connection:
    /// the certificate's verdict when verification failed, else the handshake's own
    /// words. nil when the error did not come from TLS.
    public func failure(for error: any Error) -> TLSFailure? {
        if let failure = error as? TLSFailure { return failure }
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return nil }
        let found = (verification?.problems ?? []).compactMap { problem -> TLSFailure? in
            switch problem {
            case .expired(let date): return .expired(notValidAfter: date)
            case .notYetValid(let date): return .notYetValid(notValidBefore: date)
            case .nameMismatch: return .nameMismatch(host: verification?.expectedName ?? "the server")
            case .untrusted(let why): return .untrusted(why)
            case .trusted: return nil
            }
        }
        switch found.count {
        case 0: return .handshakeFailed(TLSErrorWording.describe(error))
        case 1: return found[0]
        default: return .certificate(found)
        }
    }
}
