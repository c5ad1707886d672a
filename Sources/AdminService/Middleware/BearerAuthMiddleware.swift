import Catalog
import HTTPKit
import HTTPTypes
import Hummingbird

/// Every admin request carries `Authorization: Bearer TOKEN`, one of the token file's;
/// anything else gets 401 with `WWW-Authenticate`, before any route reads the body.
/// The web page (`/` and `/ui/…`) signs in with a token once and then carries a session
/// cookie instead: ``PageSessionMiddleware`` guards it.
struct BearerAuthMiddleware: RouterMiddleware {
    let tokens: AdminTokens

    static func isPage(_ path: String) -> Bool {
        path == "/" || path == "/ui" || path.hasPrefix("/ui/")
    }

    func handle(_ request: Request, context: AdminContext,
                next: (Request, AdminContext) async throws -> Response) async throws -> Response {
        if Self.isPage(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.count <= 1024,
              header.lowercased().hasPrefix("bearer "),
              let label = tokens.label(for: header.dropFirst(7).drop(while: { $0 == " " }))
        else {
            throw ServiceRefusal(.unauthorized, "give one of the --admin-token-file tokens as 'Authorization: Bearer TOKEN'",
                                 headers: [.wwwAuthenticate: "Bearer realm=\"mailconf admin\""])
        }
        var context = context
        context.tokenLabel = label
        // What the request changes is written to the catalog's history under this label.
        return try await Catalog.$actor.withValue("token:\(label)") { try await next(request, context) }
    }
}
