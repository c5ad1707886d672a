import Failures
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MailNet
import NIOCore
import NIOSSL
import ServiceLifecycle

/// `mailconf serve`: the autoconfig service over one catalog, opened read-only.
public enum AutoconfigServer {
    public typealias TLSFiles = ServerTLSFiles

    public enum StartError: MailconfError {
        case tls(String)
        case listen(String)
        public var kind: FailureKind {
            switch self {
            case .tls: return .serviceTLSError
            case .listen: return .serviceCannotListen
            }
        }
        public var description: String {
            switch self { case .tls(let why), .listen(let why): return why }
        }
    }

    /// Where else the service listens, and what runs beside it, when it gets its own
    /// certificates by ACME.
    public struct Extras: Sendable {
        /// The https certificates, chosen per handshake and replaced while serving (with
        /// --tls-cert's as the fallback); nil with ACME off.
        public var certificates: ServedCertificates?
        /// A plain-HTTP listener with the same routes, where HTTP-01 challenges are answered.
        public var httpPort: Int?
        /// Run beside the server (the certificate keeper).
        public var services: [any Service]
        /// Told as each listener is bound.
        public var ready: ListenersReady?

        public init(certificates: ServedCertificates? = nil, httpPort: Int? = nil, services: [any Service] = [],
                    ready: ListenersReady? = nil) {
            self.certificates = certificates
            self.httpPort = httpPort
            self.services = services
            self.ready = ready
        }
    }

    /// Builds the application: the router, and HTTP or HTTPS.
    /// - accessLog: where the access log goes; by default standard error, when the
    ///   configuration asks for one.
    public static func application(
        store: SettingsStore, metrics: Metrics = Metrics(), configuration: ServiceConfiguration,
        limits: ConnectionLimits = ConnectionLimits(), accessLog: AccessLog? = nil,
        host: String, port: Int, tls: TLSFiles?, extras: Extras = Extras(), logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let accessLog = configuration.accessLog ? accessLog ?? AccessLog(logAddresses: configuration.logAddresses) : nil
        let router = ServiceRouter.router(store: store, metrics: metrics, configuration: configuration, accessLog: accessLog,
                                          logger: logger)
        var certificates = extras.certificates
        if let tls {
            do {
                let served = certificates ?? ServedCertificates()
                try served.setFallback(try tls.serverConfiguration())
                certificates = served
            } catch {
                throw StartError.tls("cannot use --tls-cert \(tls.certificateChain) with --tls-key \(tls.privateKey): \(error); give a PEM certificate chain and its PEM private key")
            }
        }
        // HTTP/1.1 (under TLS when asked), each connection behind the limits: the head's
        // size bounded by the decoder, its time and the idle time by ConnectionGuard.
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes)
        let stats = metrics.connections
        // The answers that are the same for everyone go out on the event loop (the fast
        // path); the router answers the rest.
        let cached = CachedAnswers(store: store, metrics: metrics, accessLog: accessLog, maxAge: configuration.maxAge)
        let challenges = configuration.challenges
        let http: @Sendable (@escaping HTTPChannelHandler.Responder) -> HTTP1Channel = { responder in
            HTTP1Channel(responder: responder, configuration: .init(httpDecoderConfiguration: decoder))
        }
        let plain = HTTPServerBuilder { responder in
            GuardedChannel(base: http(responder), limits: limits, stats: stats, cachedAnswers: cached)
        }
        let server = certificates.map { certificates in
            HTTPServerBuilder { responder in
                GuardedChannel(base: SelectingTLSChannel(base: http(responder), certificates: certificates, challenges: challenges),
                               limits: limits, stats: stats, cachedAnswers: cached)
            }
        } ?? plain
        var services: [any Service] = [CatalogWatcher(store: store)] + extras.services
        let ready = extras.ready
        if let httpPort = extras.httpPort {
            services.append(Application(
                router: router, server: plain,
                configuration: ApplicationConfiguration(address: .hostname(host, port: httpPort), serverName: "mailconf"),
                onServerRunning: { channel in
                    ready?.listenerUp()
                    logger.info("plain-HTTP listener (ACME HTTP-01 challenges, and the same answers) on port \(channel.localAddress?.port ?? httpPort)")
                },
                logger: logger))
        }
        return Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "mailconf"),
            services: services,
            onServerRunning: { channel in
                ready?.listenerUp()
                await onRunning(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }

    /// Builds the application and runs it until SIGTERM or SIGINT.
    public static func serve(
        store: SettingsStore, configuration: ServiceConfiguration, limits: ConnectionLimits = ConnectionLimits(),
        host: String, port: Int, tls: TLSFiles?, extras: Extras = Extras(),
        logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let accessLog = configuration.accessLog ? AccessLog(logAddresses: configuration.logAddresses) : nil
        defer { accessLog?.stop() }
        let app = try application(store: store, configuration: configuration, limits: limits, accessLog: accessLog,
                                  host: host, port: port, tls: tls, extras: extras, logger: logger, onRunning: onRunning)
        do {
            try await run(app, store: store)
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EACCES || error.errnoCode == EADDRNOTAVAIL {
            // NIO says only "bind(...)": name the address and the ports, and what to do.
            let ports = extras.httpPort.map { "port \(port) or --http-port \($0)" } ?? "port \(port)"
            let why = String(cString: strerror(error.errnoCode))
            let fix = error.errnoCode == EACCES ? "ports below 1024 need root or CAP_NET_BIND_SERVICE (the systemd unit grants it)"
                : error.errnoCode == EADDRINUSE ? "stop what listens there (ss -ltnp) or choose another port"
                : "give --host an address of this machine"
            throw StartError.listen("cannot listen on \(host) \(ports): \(why); \(fix)")
        }
    }

    /// Runs until SIGTERM or SIGINT (requests in flight finish, new ones are refused).
    public static func run(_ app: some ApplicationProtocol, store: SettingsStore) async throws {
        try await app.runService()
    }
}

extension FailureKind {
    /// The service's certificate or key could not be used.
    public static let serviceTLSError = FailureKind("tls-error")
    /// A port could not be listened on (in use, privileged, or an address not of this machine).
    public static let serviceCannotListen = FailureKind("cannot-listen")
}
