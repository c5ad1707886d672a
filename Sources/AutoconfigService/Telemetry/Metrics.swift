import HTTPKit
import Synchronization

/// Requests by endpoint and status, and a latency histogram, in Prometheus' text format.
/// Lock-free: every event loop counts with atomic adds; only a status outside the usual
/// few takes a lock, once per kind of status.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
    /// The statuses the service answers with; any other is counted apart.
    static let statuses = [200, 304, 400, 404, 405, 413, 431, 500, 503]
    static let endpoints = Endpoint.allCases

    /// One counter, alone in its object so that arrays of them can be built.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func add(_ n: Int = 1) { value.wrappingAdd(n, ordering: .relaxed) }
        var current: Int { value.load(ordering: .relaxed) }
    }

    struct Key: Hashable {
        var endpoint: String
        var status: Int
    }

    /// [endpoint][status], as `endpoints` × `statuses`.
    private let requests: [[Counter]]
    private let unusual = Mutex<[Key: Counter]>([:])
    private let bucketCounts: [Counter]
    private let count = Counter()
    private let sumNanoseconds = Counter()
    /// Open connections and what the limits closed.
    package let connections = ConnectionStats()

    public init() {
        requests = Self.endpoints.map { _ in Self.statuses.map { _ in Counter() } }
        bucketCounts = Self.buckets.map { _ in Counter() }
    }

    func record(endpoint: Endpoint, status: Int, seconds: Double) {
        if let e = Self.endpoints.firstIndex(of: endpoint), let s = Self.statuses.firstIndex(of: status) {
            requests[e][s].add()
        } else {
            let key = Key(endpoint: endpoint.rawValue, status: status)
            unusual.withLock { table in
                if let counter = table[key] { return counter }
                let counter = Counter()
                table[key] = counter
                return counter
            }.add()
        }
        count.add()
        sumNanoseconds.add(Int(seconds * 1e9))
        if let i = Self.buckets.firstIndex(where: { seconds <= $0 }) { bucketCounts[i].add() }
    }

    /// The exposition text for /metrics.
    public func render() -> String {
        var lines: [(Key, Int)] = []
        for (e, endpoint) in Self.endpoints.enumerated() {
            for (s, status) in Self.statuses.enumerated() where requests[e][s].current > 0 {
                lines.append((Key(endpoint: endpoint.rawValue, status: status), requests[e][s].current))
            }
        }
        lines += unusual.withLock { $0.map { ($0.key, $0.value.current) } }
        var out = "# HELP mailconf_http_requests_total Requests answered, by endpoint and status.\n"
        out += "# TYPE mailconf_http_requests_total counter\n"
        for (key, n) in lines.sorted(by: { ($0.0.endpoint, $0.0.status) < ($1.0.endpoint, $1.0.status) }) {
            out += "mailconf_http_requests_total{endpoint=\"\(key.endpoint)\",status=\"\(key.status)\"} \(n)\n"
        }
        out += "# HELP mailconf_http_request_duration_seconds Time from request to response.\n"
        out += "# TYPE mailconf_http_request_duration_seconds histogram\n"
        var cumulative = 0
        for (i, bound) in Self.buckets.enumerated() {
            cumulative += bucketCounts[i].current
            out += "mailconf_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "mailconf_http_request_duration_seconds_bucket{le=\"+Inf\"} \(count.current)\n"
        out += "mailconf_http_request_duration_seconds_sum \(Double(sumNanoseconds.current) / 1e9)\n"
        out += "mailconf_http_request_duration_seconds_count \(count.current)\n"
        out += connections.render()
        return out
    }
}
