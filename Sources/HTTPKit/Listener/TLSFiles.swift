import Failures
import NIOCore
import NIOSSL

/// A listener's certificate chain and private key, as PEM files, and the options that
/// gave them (`--tls-cert`/`--tls-key`, `--admin-tls-cert`/`--admin-tls-key`), which
/// its errors name. The key is read only when no one but its owner may read it, as every
/// key file mailconf reads is; the chain may be shared.
package struct TLSFiles: Sendable {
    package var certificateChain: String
    package var privateKey: String
    package var options: (certificate: String, key: String)
    /// The kind of the error when they cannot be used.
    package var failure: FailureKind

    package init(certificateChain: String, privateKey: String, options: (certificate: String, key: String) = ("--tls-cert", "--tls-key"),
                 failure: FailureKind = .serviceTLSError) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.options = options
        self.failure = failure
    }

    /// A server TLS configuration with the chain and key read now.
    package func serverConfiguration() throws(ListenerError) -> TLSConfiguration {
        let keyBytes: [UInt8]
        do { keyBytes = Array(try PrivateFile.read(privateKey, limit: 1 << 20)) } catch {
            throw refused(KeyFileProblem(description: "the key \(privateKey) \(error)"))
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(try BoundedFile.read(certificateChain, limit: 1 << 20)))
                .map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch { throw refused(error) }
    }

    /// Makes each connection's TLS handler, with the files read once, now.
    package func handlers() throws(ListenerError) -> @Sendable () -> any ChannelHandler {
        let configuration = try serverConfiguration()
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) } catch { throw refused(error) }
        return { NIOSSLServerHandler(context: context) }
    }

    /// The error when they cannot be used, naming both files and their options.
    package func refused(_ error: any Error) -> ListenerError {
        ListenerError(kind: failure, description: "cannot use \(options.certificate) \(certificateChain) with \(options.key) \(privateKey): \(error); give a PEM certificate chain and its PEM private key")
    }

    /// Why the key file was not read.
    struct KeyFileProblem: Error, CustomStringConvertible {
        var description: String
    }
}
