import HTTPTypes
import Hummingbird

/// The 405 for a path the service serves, asked with another method (a GET of Outlook's
/// POST endpoint, a POST of Thunderbird's file). Hummingbird's Router answers a path it
/// knows with no responder for the method as it answers an unknown path, so this is a
/// second Router over the same paths, asked as GET, whose every endpoint answers 405
/// naming the method to use.
struct AllowedMethods: Sendable {
    let paths: RouterResponder<ServiceContext>

    init(_ routes: [Route]) {
        let router = Router(context: ServiceContext.self, options: .caseInsensitive)
        for route in routes {
            router.get(route.path) { request, context in
                context.record.endpoint = route.name
                return Refusal(.methodNotAllowed, "use \(route.method.rawValue) for \(request.uri.path.lowercased())",
                               allow: route.method).response
            }
        }
        paths = router.buildResponder()
    }

    /// The 405 when the path is served with another method; nil when it is not served.
    func refusal(for request: Request, context: ServiceContext) async throws -> Response? {
        var head = request.head
        head.method = .get
        let answer = try await paths.respond(to: Request(head: head, body: request.body), context: context)
        return answer.status == .methodNotAllowed ? answer : nil
    }
}
