import NIOSSL

/// A listener's certificate chain and private key, as PEM files (serve's `--tls-cert`
/// and `--tls-key`, its admin listener's `--admin-tls-cert` and `--admin-tls-key`).
public struct ServerTLSFiles: Sendable {
    public var certificateChain: String
    public var privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// A server TLS configuration with the chain and key read now; the error names
    /// neither file, the caller does (it knows which options gave them).
    public func serverConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateChain).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
    }
}
