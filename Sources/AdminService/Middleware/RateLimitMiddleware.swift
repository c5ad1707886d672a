import Foundation
import HTTPKit
import HTTPTypes
import Hummingbird
import Synchronization

/// Requests per token: a bucket of `burst` that refills at `perSecond`; past it, 429 with
/// Retry-After. After the auth middleware, so that only real tokens have buckets.
final class RateLimitMiddleware: RouterMiddleware, Sendable {
    struct Bucket { var tokens: Double; var at: ContinuousClock.Instant }
    let perSecond: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(burst)
    }

    /// Takes one request from `label`'s bucket; nil when allowed, else the seconds to wait.
    func take(_ label: String, now: ContinuousClock.Instant = .now) -> Double? {
        buckets.withLock { all in
            var b = all[label] ?? Bucket(tokens: burst, at: now)
            let elapsed = Double((now - b.at).components.attoseconds) / 1e18 + Double((now - b.at).components.seconds)
            b.tokens = min(burst, b.tokens + elapsed * perSecond)
            b.at = now
            defer { all[label] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return (1 - b.tokens) / perSecond
        }
    }

    func handle(_ request: Request, context: AdminContext,
                next: (Request, AdminContext) async throws -> Response) async throws -> Response {
        if let label = context.tokenLabel, let wait = take(label) {
            throw ServiceRefusal(.tooManyRequests, "more than \(Int(burst)) requests at once for token '\(label)'; wait \(Int(wait.rounded(.up))) s",
                                 headers: [.retryAfter: String(Int(wait.rounded(.up)))])
        }
        return try await next(request, context)
    }
}
