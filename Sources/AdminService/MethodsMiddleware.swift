import HTTPTypes
import Hummingbird

/// 405 with `Allow` for a path the admin API serves, asked with a method it does not
/// serve there (Hummingbird's router would answer 404, as for an unknown path). Matched
/// against ``AdminAPI/routes``, segment by segment, `{name}` matching any one segment.
struct MethodsMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: AdminContext,
                next: (Request, AdminContext) async throws -> Response) async throws -> Response {
        let allowed = Self.methods(for: request.uri.path)
        if !allowed.isEmpty && !allowed.contains(request.method.rawValue) {
            throw AdminError(status: .methodNotAllowed, kind: "method-not-allowed",
                             message: "\(request.uri.path) takes \(allowed.joined(separator: ", "))",
                             headers: [.allow: allowed.joined(separator: ", ")])
        }
        return try await next(request, context)
    }

    /// The methods the API serves at `path`, in the order routes are listed.
    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var found: [String] = []
        for route in AdminAPI.routes {
            let template = route.path.split(separator: "/", omittingEmptySubsequences: true)
            guard template.count == segments.count,
                  zip(template, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { continue }
            if !found.contains(route.method) { found.append(route.method) }
        }
        return found
    }
}
