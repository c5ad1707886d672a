import Catalog
import Failures
import HTTPKit
import Hummingbird
import Logging
import MailFormats
import MailNet
import ServiceLifecycle
import UseCases

/// The admin API (`serve --admin HOST:PORT`): the catalog's organisation domains and
/// providers as JSON resources, on a listener of its own, behind bearer tokens, a rate
/// limit per token and a cap on bodies. docs/admin-api.yaml describes it; a test holds
/// the routes to that description.
public enum AdminAPI {
    /// The largest request body read.
    public static let largestBody = 16 * 1024

    /// The listener's routes, the API's and the web page's (`/ui/`), in one table: the
    /// router and its 405s are built from it, and the OpenAPI test compares the API's
    /// with the description.
    /// - verifyTrust: whose certificates `POST /servers/{id}/verify` trusts.
    /// - secure: the listener is on TLS (the page's cookies are then `Secure`).
    static func routes(catalog: Catalog, tokens: AdminTokens, limiter: RateLimitMiddleware, logger: Logger,
                       verifyTrust: TrustPolicy, secure: Bool, clientConfigVersion: ClientConfig.Version) -> RouteTable<AdminContext> {
        let servers = ServerRoutes(catalog: catalog, logger: logger, trust: verifyTrust)
        // Sign-in attempts: 10 at once from one address, then one every 5 s.
        let page = PageRoutes(catalog: catalog, tokens: tokens, sessions: PageSessions(), limiter: limiter,
                              signIns: RateLimitMiddleware(perSecond: 0.2, burst: 10), servers: servers, logger: logger,
                              secure: secure, clientConfigVersion: clientConfigVersion)
        return RouteTable(DomainRoutes(domains: DomainMapping(catalog: catalog), logger: logger).routes + servers.routes
                          + ProviderRoutes(catalog: catalog).routes + ChangeRoutes(catalog: catalog).routes + page.routes)
    }

    /// The API's refusals as JSON, the page's as HTML; a wrong method names the right ones.
    static func refusals(_ table: RouteTable<AdminContext>) -> RefusalMiddleware<AdminContext> {
        RefusalMiddleware(methods: MethodNotAllowed(table) { path, allowed in "\(path) takes \(allowed)" }) { refusal, request in
            BearerAuthMiddleware.isPage(request.uri.path) ? PageResponse.refused(refusal) : refusal.json
        }
    }

    /// The router over ``routes(catalog:tokens:limiter:logger:verifyTrust:secure:clientConfigVersion:)``.
    public static func router(catalog: Catalog, tokens: AdminTokens, logger: Logger, verifyTrust: TrustPolicy = .system,
                              requestsPerSecond: Double = 10, burst: Int = 50, secure: Bool = false,
                              clientConfigVersion: ClientConfig.Version = .v1_1) -> Router<AdminContext> {
        let limiter = RateLimitMiddleware(perSecond: requestsPerSecond, burst: burst)
        let table = routes(catalog: catalog, tokens: tokens, limiter: limiter, logger: logger, verifyTrust: verifyTrust,
                           secure: secure, clientConfigVersion: clientConfigVersion)
        let router = Router(context: AdminContext.self, options: table.options)
        router.add(middleware: refusals(table))
        router.add(middleware: BearerAuthMiddleware(tokens: tokens))
        router.add(middleware: limiter)
        table.register(on: router)
        return router
    }
}

extension AdminAPI {
    /// The admin listener, run beside serve's own (a Service for its ServiceGroup), built
    /// as serve's is (``Listener``: the same head and idle timeouts, its own connection
    /// cap), on TLS when given a certificate; bodies are capped by the context.
    package static func application(catalog: Catalog, tokens: AdminTokens, listener: Listener, tls: TLSFiles? = nil,
                                    verifyTrust: TrustPolicy = .system, clientConfigVersion: ClientConfig.Version = .v1_1,
                                    logger: Logger) throws(ListenerError) -> some Service {
        let server = listener.server(tls: try tls?.handlers())
        let scheme = tls == nil ? "http" : "https"
        let app = listener.application(
            router: router(catalog: catalog, tokens: tokens, logger: logger, verifyTrust: verifyTrust, secure: tls != nil,
                           clientConfigVersion: clientConfigVersion),
            server: server, serverName: "mailconf-admin", logger: logger,
            onRunning: { port in
                let url = Listener.url(scheme: scheme, host: listener.host, port: port)
                logger.info("admin API on \(url)/ (docs/admin-api.yaml), web page on \(url)/ui/")
            })
        return listener.service(app)
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
