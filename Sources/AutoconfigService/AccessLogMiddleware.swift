import Foundation
import Hummingbird
import Logging

/// One line per request at info level: endpoint, domain, status and milliseconds. An
/// address is personal data, so the line names only its domain unless the operator
/// asked for whole addresses (`--log-addresses`).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let logger: Logger
    let logAddresses: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let milliseconds = (ContinuousClock.now - started).seconds * 1000
        let record = context.record
        let who = logAddresses ? (record.address ?? record.domain ?? "-") : (record.domain ?? "-")
        logger.info("\(record.endpoint.rawValue) \(who) \(response.status.code) \(String(format: "%.3f", milliseconds)) ms")
        return response
    }
}
