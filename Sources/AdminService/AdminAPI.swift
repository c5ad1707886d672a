import Catalog
import Hummingbird
import Logging
import MailNet
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

    /// - verifyTrust: whose certificates `POST /servers/{id}/verify` trusts.
    public static func router(catalog: Catalog, tokens: AdminTokens, logger: Logger, verifyTrust: TrustPolicy = .system,
                              requestsPerSecond: Double = 10, burst: Int = 50) -> Router<AdminContext> {
        let router = Router(context: AdminContext.self)
        router.add(middleware: BearerAuthMiddleware(tokens: tokens))
        router.add(middleware: RateLimitMiddleware(perSecond: requestsPerSecond, burst: burst))
        router.add(middleware: MethodsMiddleware())
        DomainRoutes(catalog: catalog, logger: logger).add(to: router)
        ServerRoutes(catalog: catalog, logger: logger, trust: verifyTrust).add(to: router)
        ProviderRoutes(catalog: catalog).add(to: router)
        ChangeRoutes(catalog: catalog).add(to: router)
        return router
    }
}

extension AdminAPI {
    /// The admin listener, run beside serve's own (a Service for its ServiceGroup). Idle
    /// connections are closed after 60 s; bodies are capped by the context.
    public static func application(catalog: Catalog, tokens: AdminTokens, host: String, port: Int,
                                   verifyTrust: TrustPolicy = .system, logger: Logger) -> some Service {
        Application(
            router: router(catalog: catalog, tokens: tokens, logger: logger, verifyTrust: verifyTrust),
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "mailconf-admin"),
            onServerRunning: { channel in
                logger.info("admin API on http://\(host.contains(":") ? "[\(host)]" : host):\(channel.localAddress?.port ?? port)/ (docs/admin-api.yaml)")
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
