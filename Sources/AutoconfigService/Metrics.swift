import Synchronization

/// Requests by endpoint and status, and a latency histogram, in Prometheus' text format.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    struct State {
        var requests: [Key: Int] = [:]
        var bucketCounts: [Int] = Array(repeating: 0, count: Metrics.buckets.count)
        var count = 0
        var sum = 0.0
    }

    struct Key: Hashable {
        var endpoint: String
        var status: Int
    }

    private let state = Mutex(State())
    /// Open connections and what the limits closed.
    public let connections = ConnectionStats()

    public init() {}

    func record(endpoint: String, status: Int, seconds: Double) {
        state.withLock { s in
            s.requests[Key(endpoint: endpoint, status: status), default: 0] += 1
            s.count += 1
            s.sum += seconds
            if let i = Self.buckets.firstIndex(where: { seconds <= $0 }) { s.bucketCounts[i] += 1 }
        }
    }

    /// The exposition text for /metrics.
    public func render() -> String {
        let s = state.withLock { $0 }
        var out = "# HELP mailconf_http_requests_total Requests answered, by endpoint and status.\n"
        out += "# TYPE mailconf_http_requests_total counter\n"
        for (key, n) in s.requests.sorted(by: { ($0.key.endpoint, $0.key.status) < ($1.key.endpoint, $1.key.status) }) {
            out += "mailconf_http_requests_total{endpoint=\"\(key.endpoint)\",status=\"\(key.status)\"} \(n)\n"
        }
        out += "# HELP mailconf_http_request_duration_seconds Time from request to response.\n"
        out += "# TYPE mailconf_http_request_duration_seconds histogram\n"
        var cumulative = 0
        for (i, bound) in Self.buckets.enumerated() {
            cumulative += s.bucketCounts[i]
            out += "mailconf_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "mailconf_http_request_duration_seconds_bucket{le=\"+Inf\"} \(s.count)\n"
        out += "mailconf_http_request_duration_seconds_sum \(s.sum)\n"
        out += "mailconf_http_request_duration_seconds_count \(s.count)\n"
        out += connections.render()
        return out
    }
}
