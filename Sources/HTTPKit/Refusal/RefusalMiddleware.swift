import Hummingbird

/// Outermost of a listener's own middleware: turns what the routes and the middleware
/// inside refuse, and what the router finds no route for, into answers the middleware
/// outside see as any other response. No route: 405 with `Allow` when the path is served
/// with other methods, else `notFound` (or the router's own 404 when nil).
package struct RefusalMiddleware<Context: RequestContext>: RouterMiddleware {
    package let methods: MethodNotAllowed<Context>
    package let notFound: ServiceRefusal?
    /// Text, JSON or HTML (see ServiceRefusal+Rendering), chosen by the listener.
    package let render: @Sendable (ServiceRefusal, Request) -> Response

    package init(methods: MethodNotAllowed<Context>, notFound: ServiceRefusal? = nil,
                 render: @escaping @Sendable (ServiceRefusal, Request) -> Response) {
        self.methods = methods
        self.notFound = notFound
        self.render = render
    }

    package func handle(_ request: Request, context: Context,
                        next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let refusal as ServiceRefusal {
            return render(refusal, request)
        } catch let error as HTTPError where error.status == .notFound {
            // The router's "no route" (the routes refuse with a ServiceRefusal).
            guard let refusal = try await methods.refusal(for: request, context: context) ?? notFound else { throw error }
            let answer = render(refusal, request)
            // No route, so no HEAD the router made from a GET: the body is left out here.
            return request.method == .head ? answer.createHeadResponse() : answer
        }
    }
}
