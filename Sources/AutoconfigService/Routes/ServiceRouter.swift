import HTTPKit
import Hummingbird
import Logging

/// The service's URLs, as one route table, on Hummingbird's Router, and the middleware
/// around each of them. Paths match in any letter case (Outlook asks for
/// `/Autodiscover/Autodiscover.xml` too) and every GET answers HEAD as well, with the
/// headers and no body.
enum ServiceRouter {
    static func routes(store: SettingsStore, metrics: Metrics, configuration: ServiceConfiguration) -> RouteTable<ServiceContext> {
        let thunderbird = ThunderbirdRoutes(store: store)
        let autodiscover = AutodiscoverRoute(store: store, configuration: configuration)
        let json = AutodiscoverJSONRoute(store: store, configuration: configuration)
        let apple = MobileconfigRoute(store: store, signers: configuration.profileSigners)
        let userAgent = UserAgentConfigurationRoute(store: store)
        let status = StatusRoutes(store: store, metrics: metrics)
        let challenges = ACMEChallengeRoute(board: configuration.challenges)
        return RouteTable([
            Route(.get, "/mail/config-v1.1.xml", .autoconfig, thunderbird.byAddressOrHost),
            Route(.get, "/.well-known/autoconfig/mail/config-v1.1.xml", .wellKnown, thunderbird.byAddressOrHost),
            Route(.get, "/v1.1/**", .ispdb, thunderbird.byPath),
            Route(.post, "/autodiscover/autodiscover.xml", .autodiscover, autodiscover.answer),
            Route(.get, "/autodiscover/autodiscover.json", .autodiscoverJSON, json.byQuery),
            Route(.get, "/autodiscover/autodiscover.json/v1.0/**", .autodiscoverJSON, json.byPath),
            Route(.get, "/email.mobileconfig", .mobileconfig, apple.profile),
            Route(.get, "/.well-known/user-agent-configuration.json", .userAgentConfiguration, userAgent.answer),
            Route(.get, "/healthz", .healthz, status.health),
            Route(.get, "/metrics", .metrics, status.exposition),
            Route(.get, "/.well-known/acme-challenge/:token", .acmeChallenge, challenges.answer),
        ], options: [.caseInsensitive, .autoGenerateHeadEndpoints])
    }

    /// The refusals, as one line of text; a wrong method names the right one.
    static func refusals(_ table: RouteTable<ServiceContext>) -> RefusalMiddleware<ServiceContext> {
        RefusalMiddleware(
            methods: MethodNotAllowed(table) { path, allowed in "use \(allowed) for \(path.lowercased())" },
            notFound: ServiceRefusal(.notFound, "not an autoconfig or autodiscover URL"),
            render: { refusal, _ in refusal.text })
    }

    static func router(store: SettingsStore, metrics: Metrics, configuration: ServiceConfiguration, accessLog: AccessLog?,
                       logger: Logger) -> Router<ServiceContext> {
        let table = routes(store: store, metrics: metrics, configuration: configuration)
        let router = Router(context: ServiceContext.self, options: table.options)
        // Outermost first; added before the routes, as the Router applies middleware only
        // to the endpoints added after it (and to its not-found answer).
        if let accessLog { router.add(middleware: AccessLogMiddleware(log: accessLog)) }
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ConditionalGETMiddleware(maxAge: configuration.maxAge))
        router.add(middleware: refusals(table))
        table.register(on: router)
        return router
    }
}
