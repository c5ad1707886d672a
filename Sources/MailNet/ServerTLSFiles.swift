import Failures
import NIOSSL

/// A listener's certificate chain and private key, as PEM files (serve's `--tls-cert`
/// and `--tls-key`, its admin listener's `--admin-tls-cert` and `--admin-tls-key`). The
/// key is read only when no one but its owner may read it, as every key file is.
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
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(try BoundedFile.read(certificateChain, limit: 1 << 20)))
            .map { NIOSSLCertificateSource.certificate($0) }
        let keyBytes: [UInt8]
        do { keyBytes = Array(try PrivateFile.read(privateKey, limit: 1 << 20)) } catch {
            throw KeyFileProblem(path: privateKey, problem: error)
        }
        let key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
    }

    /// The private key file could not be used as it is.
    public struct KeyFileProblem: Error, CustomStringConvertible {
        public var path: String
        public var problem: BoundedFile.Problem
        public var description: String { "the key \(path) \(problem)" }
    }
}
