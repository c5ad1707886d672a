import HTTPTypes
import Hummingbird

/// The 405 for a path the table serves, asked with a method it is not served with.
/// Hummingbird's router answers that as it answers an unknown path (404), so this is a
/// second router over the table's paths, matching as the first one does (letter case,
/// `{name}`, `**`, trailing slashes), asked only once the first found no route.
package struct MethodNotAllowed<Context: RequestContext>: Sendable {
    private let paths: RouterResponder<Context>
    private let message: @Sendable (_ path: String, _ allowed: String) -> String

    /// - message: the refusal's sentence, from the path asked for and the methods
    ///   (`GET, POST`) it is served with.
    package init(_ table: RouteTable<Context>, message: @escaping @Sendable (_ path: String, _ allowed: String) -> String) {
        let router = Router(context: Context.self, options: table.options)
        for (path, routes) in table.paths {
            let allow = routes.map(\.method.rawValue).joined(separator: ", ")
            let enter = routes.first?.enter
            router.get(path) { _, context in
                enter?(context)
                return Response(status: .methodNotAllowed, headers: [.allow: allow])
            }
        }
        paths = router.buildResponder()
        self.message = message
    }

    /// The 405 when the path is served with other methods; nil when it is not served,
    /// or is served with this method.
    package func refusal(for request: Request, context: Context) async throws -> ServiceRefusal? {
        var head = request.head
        head.method = .get
        let answer = try await paths.respond(to: Request(head: head, body: request.body), context: context)
        guard answer.status == .methodNotAllowed, let allow = answer.headers[.allow] else { return nil }
        guard !allow.split(separator: ",").contains(where: { $0.drop(while: { $0 == " " }) == request.method.rawValue })
        else { return nil }
        return ServiceRefusal(.methodNotAllowed, message(request.uri.path, allow), headers: [.allow: allow])
    }
}
