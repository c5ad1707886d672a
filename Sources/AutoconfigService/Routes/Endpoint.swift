import HTTPKit
import HTTPTypes
import Hummingbird

/// The endpoint names in `mailconf_http_requests_total` and the access log.
enum Endpoint: String, Sendable, CaseIterable {
    case autoconfig, wellKnown = "well-known", ispdb, autodiscover, autodiscoverJSON = "autodiscover-json"
    case mobileconfig, healthz, metrics
    case userAgentConfiguration = "ua-auto-config"
    /// An ACME CA checking an HTTP-01 challenge.
    case acmeChallenge = "acme-challenge"
    /// No route: a URL the service does not serve.
    case other
}

extension Route<ServiceContext> {
    /// A route of the service, which names its endpoint in the context's record (asked
    /// with this method or another).
    init(_ method: HTTPRequest.Method, _ path: RouterPath, _ endpoint: Endpoint,
         _ answer: @escaping @Sendable (Request, ServiceContext) async throws -> Response) {
        self.init(method, path, enter: { context in context.record.endpoint = endpoint }, answer)
    }
}
