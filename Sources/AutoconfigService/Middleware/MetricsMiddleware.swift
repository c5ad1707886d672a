import Hummingbird

/// Counts every answer by endpoint and final status (a 304 as 304) and times it, for
/// `/metrics`. Outside the refusals, so a refused or unknown URL is counted too.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let metrics: Metrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.record(endpoint: context.record.endpoint, status: response.status.code,
                       seconds: (ContinuousClock.now - started).seconds)
        return response
    }
}
