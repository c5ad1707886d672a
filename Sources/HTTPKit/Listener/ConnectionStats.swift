import Synchronization

/// A listener's open connections, and how many each limit closed (serve shows them in
/// `/metrics`). Lock-free: every connection's event loop counts here.
package final class ConnectionStats: Sendable {
    /// Why a connection was closed by the server.
    package enum Closure: Int, CaseIterable, Sendable {
        case idleTimeout, headerTimeout, headerTooLarge, overConnectionLimit

        var label: String {
            switch self {
            case .idleTimeout: return "idle-timeout"
            case .headerTimeout: return "header-timeout"
            case .headerTooLarge: return "header-too-large"
            case .overConnectionLimit: return "max-connections"
            }
        }
    }

    let open = Atomic<Int>(0)
    private let idle = Atomic<Int>(0), header = Atomic<Int>(0), tooLarge = Atomic<Int>(0), overLimit = Atomic<Int>(0)

    package init() {}

    package var openConnections: Int { open.load(ordering: .relaxed) }

    private func counter<T>(_ reason: Closure, _ body: (borrowing Atomic<Int>) -> T) -> T {
        switch reason {
        case .idleTimeout: return body(idle)
        case .headerTimeout: return body(header)
        case .headerTooLarge: return body(tooLarge)
        case .overConnectionLimit: return body(overLimit)
        }
    }

    package func closedCount(_ reason: Closure) -> Int { counter(reason) { $0.load(ordering: .relaxed) } }

    func count(_ reason: Closure) { counter(reason) { _ = $0.wrappingAdd(1, ordering: .relaxed) } }

    /// The exposition lines for /metrics.
    package func render() -> String {
        var out = "# HELP mailconf_connections_open Client connections open now.\n"
        out += "# TYPE mailconf_connections_open gauge\n"
        out += "mailconf_connections_open \(openConnections)\n"
        out += "# HELP mailconf_connections_closed_total Client connections the server closed, by the limit that closed them.\n"
        out += "# TYPE mailconf_connections_closed_total counter\n"
        for reason in Closure.allCases {
            out += "mailconf_connections_closed_total{reason=\"\(reason.label)\"} \(closedCount(reason))\n"
        }
        return out
    }
}
