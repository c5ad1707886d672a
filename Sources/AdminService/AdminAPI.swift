import Catalog
import Failures
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MailFormats
import MailNet
import NIOSSL
import ServiceLifecycle

/// The admin API (`serve --admin HOST:PORT`): the catalog's organisation domains and
/// providers as JSON resources, on a listener of its own, behind bearer tokens, a rate
/// limit per token and a cap on bodies. docs/admin-api.yaml describes it; a test holds
/// the routes to that description.
public enum AdminAPI {
    /// The largest request body read.
    public static let largestBody = 16 * 1024

    /// Every route, as method and path (Hummingbird's `{name}` form), in one place: the
    /// router is built from it, and the OpenAPI test compares it with the description.
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/domains"), ("POST", "/domains"), ("PUT", "/domains/{domain}"), ("DELETE", "/domains/{domain}"),
        ("GET", "/servers"), ("POST", "/servers"), ("PATCH", "/servers/{id}"), ("DELETE", "/servers/{id}"),
        ("POST", "/servers/{id}/verify"),
        ("GET", "/providers"), ("GET", "/providers/{id}"),
        ("GET", "/changes"),
    ]

    /// The API's routes and the web page's (`/ui/`).
    /// - verifyTrust: whose certificates `POST /servers/{id}/verify` trusts.
    /// - secure: the listener is on TLS (the page's cookies are then `Secure`).
    public static func router(catalog: Catalog, tokens: AdminTokens, logger: Logger, verifyTrust: TrustPolicy = .system,
                              requestsPerSecond: Double = 10, burst: Int = 50, secure: Bool = false,
                              clientConfigVersion: ClientConfig.Version = .v1_1) -> Router<AdminContext> {
        let router = Router(context: AdminContext.self)
        let limiter = RateLimitMiddleware(perSecond: requestsPerSecond, burst: burst)
        router.add(middleware: BearerAuthMiddleware(tokens: tokens))
        router.add(middleware: limiter)
        router.add(middleware: MethodsMiddleware())
        let servers = ServerRoutes(catalog: catalog, logger: logger, trust: verifyTrust)
        DomainRoutes(catalog: catalog, logger: logger).add(to: router)
        servers.add(to: router)
        ProviderRoutes(catalog: catalog).add(to: router)
        ChangeRoutes(catalog: catalog).add(to: router)
        // Sign-in attempts: 10 at once from one address, then one every 5 s.
        PageRoutes(catalog: catalog, tokens: tokens, sessions: PageSessions(), limiter: limiter,
                   signIns: RateLimitMiddleware(perSecond: 0.2, burst: 10), servers: servers, logger: logger,
                   secure: secure, clientConfigVersion: clientConfigVersion).add(to: router)
        return router
    }
}

extension AdminAPI {
    /// A certificate chain and key for the admin listener (`--admin-tls-cert`, `--admin-tls-key`).
    public typealias TLSFiles = ServerTLSFiles

    public struct StartError: MailconfError {
        public var description: String
        public var kind: FailureKind { .adminTLSError }
    }

    /// The admin listener, run beside serve's own (a Service for its ServiceGroup), on TLS
    /// when given a certificate. Request heads are at most 16 KiB, idle connections are
    /// closed after 60 s, and bodies are capped by the context.
    public static func application(catalog: Catalog, tokens: AdminTokens, host: String, port: Int, tls: TLSFiles? = nil,
                                   verifyTrust: TrustPolicy = .system, clientConfigVersion: ClientConfig.Version = .v1_1,
                                   logger: Logger) throws(StartError) -> some Service {
        let http = HTTP1Channel.Configuration(
            idleTimeout: .seconds(60),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100))
        var server = HTTPServerBuilder.http1(configuration: http)
        if let tls {
            do {
                server = try .tls(server, tlsConfiguration: try tls.serverConfiguration())
            } catch {
                throw StartError(description: "cannot use --admin-tls-cert \(tls.certificateChain) with --admin-tls-key \(tls.privateKey): \(error); give a PEM certificate chain and its PEM private key")
            }
        }
        let scheme = tls == nil ? "http" : "https"
        return Application(
            router: router(catalog: catalog, tokens: tokens, logger: logger, verifyTrust: verifyTrust, secure: tls != nil,
                           clientConfigVersion: clientConfigVersion),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "mailconf-admin"),
            onServerRunning: { channel in
                let url = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(channel.localAddress?.port ?? port)"
                logger.info("admin API on \(url)/ (docs/admin-api.yaml), web page on \(url)/ui/")
            },
            logger: logger)
    }

    /// `HOST:PORT`, `[V6]:PORT`, or a port alone (on 127.0.0.1).
    public static func listenAddress(_ text: String) -> (host: String, port: Int)? {
        if let port = Int(text), (0...65535).contains(port) { return ("127.0.0.1", port) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }) else { return nil }
        return (host, port)
    }
}

extension FailureKind {
    /// The admin listener's certificate or key cannot be used.
    public static let adminTLSError = FailureKind("admin-tls-error")
}
