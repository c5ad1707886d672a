import Foundation
import HTTPKit
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `mailconf serve`: the autoconfig service over one catalog, opened read-only.
public enum AutoconfigServer {
    package typealias TLSFiles = HTTPKit.TLSFiles

    /// Where else the service listens, and what runs beside it, when it gets its own
    /// certificates by ACME.
    public struct Extras: Sendable {
        /// The https certificates, chosen per handshake and replaced while serving (with
        /// --tls-cert's as the fallback); nil with ACME off.
        public var certificates: ServedCertificates?
        /// A plain-HTTP listener with the same routes, where HTTP-01 challenges are answered.
        public var httpPort: Int?
        /// Run beside the server (the certificate keeper, the admin listener).
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

    /// Builds the application: the router, and HTTP or HTTPS, on the listener built as
    /// every listener is (``Listener``), with the cached answers as its fast path.
    /// - accessLog: where the access log goes; by default standard error, when the
    ///   configuration asks for one.
    package static func application(
        store: SettingsStore, metrics: Metrics = Metrics(), configuration: ServiceConfiguration,
        limits: ConnectionLimits = ConnectionLimits(), accessLog: AccessLog? = nil,
        host: String, port: Int, tls: TLSFiles?, extras: Extras = Extras(), logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(ListenerError) -> some ApplicationProtocol {
        let accessLog = configuration.accessLog ? accessLog ?? AccessLog(logAddresses: configuration.logAddresses) : nil
        let router = ServiceRouter.router(store: store, metrics: metrics, configuration: configuration, accessLog: accessLog,
                                          logger: logger)
        var certificates = extras.certificates
        if let tls {
            let served = certificates ?? ServedCertificates()
            let fallback = try tls.serverConfiguration()
            do { try served.setFallback(fallback) } catch { throw tls.refused(error) }
            certificates = served
        }
        let listener = Listener(host: host, port: port, limits: limits, stats: metrics.connections)
        // The answers that are the same for everyone go out on the event loop (the fast
        // path); the router answers the rest.
        let cached = CachedAnswers(store: store, metrics: metrics, accessLog: accessLog, maxAge: configuration.maxAge)
        let fastPath: @Sendable () -> any ChannelHandler = { CachedAnswerHandler(cached) }
        let challenges = configuration.challenges
        let selecting = certificates.map { certificates in
            { @Sendable () -> any ChannelHandler in TLSContextSelector(certificates: certificates, challenges: challenges) }
        }
        var services: [any Service] = [CatalogWatcher(store: store)] + extras.services
        let ready = extras.ready
        if let httpPort = extras.httpPort {
            var plain = listener
            plain.port = httpPort
            plain.portOption = "--http-port"
            services.append(plain.service(plain.application(
                router: router, server: plain.server(fastPath: fastPath), serverName: "mailconf", logger: logger,
                onRunning: { bound in
                    ready?.listenerUp()
                    logger.info("plain-HTTP listener (ACME HTTP-01 challenges, and the same answers) on port \(bound)")
                })))
        }
        return listener.application(
            router: router, server: listener.server(tls: selecting, fastPath: fastPath), serverName: "mailconf",
            services: services, logger: logger,
            onRunning: { bound in
                ready?.listenerUp()
                await onRunning(bound)
            })
    }

    /// Builds the application and runs it until SIGTERM or SIGINT (requests in flight
    /// finish, new ones are refused).
    package static func serve(
        store: SettingsStore, configuration: ServiceConfiguration, limits: ConnectionLimits = ConnectionLimits(),
        host: String, port: Int, tls: TLSFiles?, extras: Extras = Extras(),
        logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let accessLog = configuration.accessLog ? AccessLog(logAddresses: configuration.logAddresses) : nil
        defer { accessLog?.stop() }
        let app = try application(store: store, configuration: configuration, limits: limits, accessLog: accessLog,
                                  host: host, port: port, tls: tls, extras: extras, logger: logger, onRunning: onRunning)
        do {
            try await app.runService()
        } catch {
            // The other listeners word their own bind errors (Listener.service).
            throw Listener(host: host, port: port, limits: limits).explain(error)
        }
    }
}
