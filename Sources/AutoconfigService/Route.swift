import HTTPTypes
import Hummingbird

/// One URL the service answers: its path, the one method it is served with, its name
/// in the metrics and the access log, and the function that answers it.
struct Route: Sendable {
    /// The endpoint names in `mailconf_http_requests_total` and the access log.
    enum Name: String, Sendable, CaseIterable {
        case autoconfig, wellKnown = "well-known", ispdb, autodiscover, autodiscoverJSON = "autodiscover-json"
        case mobileconfig, healthz, metrics
        case userAgentConfiguration = "ua-auto-config"
        /// An ACME CA checking an HTTP-01 challenge.
        case acmeChallenge = "acme-challenge"
        /// No route: a URL the service does not serve.
        case other
    }

    typealias Answer = @Sendable (Request, ServiceContext) async throws -> Response

    var path: RouterPath
    var method: HTTPRequest.Method
    var name: Name
    var answer: Answer

    init(_ method: HTTPRequest.Method, _ path: RouterPath, _ name: Name, _ answer: @escaping Answer) {
        self.path = path
        self.method = method
        self.name = name
        self.answer = answer
    }
}
