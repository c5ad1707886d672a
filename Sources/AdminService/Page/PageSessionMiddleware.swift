import Catalog
import HTTPKit
import HTTPTypes
import Hummingbird

/// In front of every signed-in page: the session cookie must name a live session
/// (else to the sign-in page), the session's token has its rate limit as on the API, and
/// every POST is a form whose `csrf` field is the session's token (else 403). A request
/// a browser marks as sent from another site is refused too.
struct PageSessionMiddleware: RouterMiddleware {
    let sessions: PageSessions
    let limiter: RateLimitMiddleware

    func handle(_ request: Request, context: AdminContext,
                next: (Request, AdminContext) async throws -> Response) async throws -> Response {
        guard let cookie = request.cookies[PageRoutes.sessionCookie]?.value, let session = sessions.find(cookie) else {
            return PageResponse.redirect(to: "/ui/login")
        }
        if let wait = limiter.take(session.label) {
            let seconds = Int(wait.rounded(.up))
            throw ServiceRefusal(.tooManyRequests, "too many requests at once for token '\(session.label)': wait \(seconds) s",
                              headers: [.retryAfter: String(seconds)])
        }
        var context = context
        context.tokenLabel = session.label
        context.session = session
        if request.method != .get && request.method != .head {
            if request.headers[PageSessionMiddleware.fetchSite] == "cross-site" {
                throw ServiceRefusal(.forbidden, "refused: the form was sent from another site")
            }
            let form = try await PageForm.read(request)
            guard let sent = form["csrf"], ConstantTime.equal(Array(sent.utf8), Array(session.csrf.utf8)) else {
                throw ServiceRefusal(.forbidden, """
                    refused: the form came without this session's CSRF token. Reload the page and send the form again \
                    (a form from before you signed in again carries the old one).
                    """)
            }
            context.form = form
        }
        return try await Catalog.$actor.withValue("token:\(session.label)") { try await next(request, context) }
    }

    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
