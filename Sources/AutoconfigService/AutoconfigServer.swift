import Failures
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle

/// `mailconf serve`: the autoconfig service over one catalog, opened read-only.
public enum AutoconfigServer {
    public struct TLSFiles: Sendable {
        public var certificateChain: String
        public var privateKey: String
        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public enum StartError: MailconfError {
        case tls(String)
        public var kind: FailureKind { .serviceTLSError }
        public var description: String {
            switch self { case .tls(let why): return why }
        }
    }

    /// Builds the application: the router, and HTTP or HTTPS.
    public static func application(
        store: SettingsStore, metrics: Metrics = Metrics(), configuration: ServiceConfiguration,
        host: String, port: Int, tls: TLSFiles?, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = ServiceRouter.router(store: store, metrics: metrics, configuration: configuration, logger: logger)
        let server: HTTPServerBuilder
        if let tls {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
                let config = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
                server = try .tls(.http1(), tlsConfiguration: config)
            } catch {
                throw StartError.tls("cannot use --tls-cert \(tls.certificateChain) with --tls-key \(tls.privateKey): \(error); give a PEM certificate chain and its PEM private key")
            }
        } else {
            server = .http1()
        }
        return Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "mailconf"),
            services: [CatalogWatcher(store: store)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Builds the application and runs it until SIGTERM or SIGINT.
    public static func serve(
        store: SettingsStore, configuration: ServiceConfiguration, host: String, port: Int, tls: TLSFiles?,
        logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let app = try application(store: store, configuration: configuration, host: host, port: port, tls: tls,
                                  logger: logger, onRunning: onRunning)
        try await run(app, store: store)
    }

    /// Runs until SIGTERM or SIGINT (requests in flight finish, new ones are refused).
    public static func run(_ app: some ApplicationProtocol, store: SettingsStore) async throws {
        try await app.runService()
    }
}

extension FailureKind {
    /// The service's certificate or key could not be used.
    public static let serviceTLSError = FailureKind("tls-error")
}
