import HTTPTypes
import Hummingbird

/// A request the service will not answer, with the reason in one line that never
/// repeats the request's values back. Routes throw it; `RefusalMiddleware` turns it into
/// the plain-text answer the middleware outside see.
struct Refusal: Error {
    var status: HTTPResponse.Status
    var message: String
    /// For a 405: the one method the path is served with.
    var allow: HTTPRequest.Method?

    init(_ status: HTTPResponse.Status, _ message: String, allow: HTTPRequest.Method? = nil) {
        self.status = status
        self.message = message
        self.allow = allow
    }

    static func unknown(_ domain: String) -> Refusal {
        Refusal(.notFound, "no mail settings for \(domain) on this server")
    }

    var response: Response {
        var response = Response.plainText(status, message)
        if let allow { response.headers[.allow] = allow.rawValue }
        return response
    }
}
