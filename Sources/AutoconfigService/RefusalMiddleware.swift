import Hummingbird

/// Turns what the routes refuse, and what the router finds no route for, into the
/// one-line plain-text answers the middleware outside (caching, metrics, access log)
/// then see as any other response: 405 for a served path asked with the wrong method,
/// else 404.
struct RefusalMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let allowedMethods: AllowedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let refusal as Refusal {
            return refusal.response
        } catch let error as HTTPError where error.status == .notFound {
            // Only the router throws this: the routes refuse with a Refusal.
            let answer = try await allowedMethods.refusal(for: request, context: context)
                ?? Refusal(.notFound, "not an autoconfig or autodiscover URL").response
            // No route, so no HEAD the router made from a GET: the body is left out here.
            return request.method == .head ? answer.createHeadResponse() : answer
        }
    }
}
