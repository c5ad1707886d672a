import Failures
import HTTPTypes

/// A request a listener will not answer: the status, a stable kind, one sentence that
/// says what was wrong and what to do (never repeating the request's values back), the
/// field it is about, and headers that belong to it (`Allow`, `Retry-After`,
/// `WWW-Authenticate`). Thrown by routes and middleware, and rendered by the listener's
/// ``RefusalMiddleware``: as a line of text, a JSON object or an HTML page.
package struct ServiceRefusal: Error, Sendable {
    package var status: HTTPResponse.Status
    package var kind: FailureKind
    package var message: String
    package var field: String?
    package var headers: HTTPFields

    /// - kind: by default the status's (``FailureKind/refusal(for:)``).
    package init(_ status: HTTPResponse.Status, _ message: String, kind: FailureKind? = nil, field: String? = nil,
                 headers: HTTPFields = [:]) {
        self.status = status
        self.kind = kind ?? .refusal(for: status)
        self.message = message
        self.field = field
        self.headers = headers
    }

    package static func badRequest(_ message: String, field: String? = nil) -> ServiceRefusal {
        ServiceRefusal(.badRequest, message, field: field)
    }

    package static func notFound(_ message: String) -> ServiceRefusal {
        ServiceRefusal(.notFound, message)
    }
}

extension FailureKind {
    package static let httpBadRequest = FailureKind("bad-request")
    package static let httpUnauthorized = FailureKind("unauthorized")
    package static let httpForbidden = FailureKind("forbidden")
    package static let httpNotFound = FailureKind("not-found")
    package static let httpMethodNotAllowed = FailureKind("method-not-allowed")
    package static let httpContentTooLarge = FailureKind("content-too-large")
    package static let httpUnsupportedMediaType = FailureKind("unsupported-media-type")
    package static let httpUnprocessable = FailureKind("unprocessable")
    package static let httpRateLimited = FailureKind("rate-limited")
    package static let httpInternalError = FailureKind("internal-error")
    package static let httpUnavailable = FailureKind("unavailable")
    package static let httpRefused = FailureKind("refused")

    /// The kind of a refusal that names none of its own: its status's.
    package static func refusal(for status: HTTPResponse.Status) -> FailureKind {
        switch status.code {
        case 400: return .httpBadRequest
        case 401: return .httpUnauthorized
        case 403: return .httpForbidden
        case 404: return .httpNotFound
        case 405: return .httpMethodNotAllowed
        case 413: return .httpContentTooLarge
        case 415: return .httpUnsupportedMediaType
        case 422: return .httpUnprocessable
        case 429: return .httpRateLimited
        case 503: return .httpUnavailable
        case 500...: return .httpInternalError
        default: return .httpRefused
        }
    }
}
