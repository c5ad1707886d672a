import Foundation
import Hummingbird

/// One access-log line per request the router answers (``AccessLog``): endpoint, domain
/// (or, when asked, the whole address), status and milliseconds.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let log: AccessLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let record = context.record
        log.record(record.endpoint, domain: record.domain, address: record.address, status: response.status.code,
                   seconds: (ContinuousClock.now - started).seconds)
        return response
    }
}
