import Foundation
import HTTPTypes
import Hummingbird

/// Caching for the answers that carry an ETag (the same bytes for everyone asking for a
/// domain): clients may keep them for `maxAge` seconds, and one that already holds the
/// answer (If-None-Match names its tag, weakly or not, or `*`) gets 304 with no body.
/// Every other answer (refusals, answers naming an address, health, metrics) is `no-store`.
struct ConditionalGETMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxAge: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.status == .ok, let etag = response.headers[.eTag] else {
            response.headers[.cacheControl] = "no-store"
            return response
        }
        response.headers[.cacheControl] = "public, max-age=\(maxAge)"
        if let match = request.headers[.ifNoneMatch], Self.matches(match, etag) {
            response.status = .notModified
            response.body = ResponseBody()
        }
        return response
    }

    /// If-None-Match is a comma-separated list of tags.
    static func matches(_ ifNoneMatch: String, _ etag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains {
            let tag = $0.trimmingCharacters(in: .whitespaces)
            return tag == etag || tag == "W/" + etag || tag == "*"
        }
    }
}
