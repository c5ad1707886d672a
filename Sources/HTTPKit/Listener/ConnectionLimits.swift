#if canImport(Glibc)
import Glibc
#endif

/// What one client connection may cost a listener (serve's and the admin one): how long
/// it may sit idle, how long a request's head may take to arrive and how large it may
/// be, and how many connections may be open at once. Past a limit the connection is
/// closed (a head too large first gets 431), and ``ConnectionStats`` counts it.
package struct ConnectionLimits: Sendable, Equatable {
    /// Seconds a kept-alive connection may wait for its next request.
    package var idleTimeout: Double
    /// Seconds from a new connection, or from a request's first byte, until its head
    /// (request line and headers) is complete: the slowloris defence.
    package var headerTimeout: Double
    /// The largest request head (request line and headers) taken, in bytes.
    package var maxHeaderBytes: Int
    /// The most header fields in one request head.
    package var maxHeaderFields: Int
    /// Connections open at once; past it new ones are closed at once.
    package var maxConnections: Int

    package init(idleTimeout: Double = 60, headerTimeout: Double = 10, maxHeaderBytes: Int = 16 * 1024,
                 maxHeaderFields: Int = 1000, maxConnections: Int? = nil) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderFields = maxHeaderFields
        self.maxConnections = maxConnections ?? Self.connectionsTheFileLimitAllows()
    }

    /// Descriptors kept back for everything that is not a client: the catalog, logs,
    /// the listener, the event loops' own.
    static let reservedDescriptors = 64

    /// Raises the soft limit on open files to the hard one (as servers do), and derives
    /// the connection limit from it, keeping a tenth and ``reservedDescriptors`` back.
    package static func connectionsTheFileLimitAllows() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let unlimited = rlim_t.max  // RLIM_INFINITY
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max == unlimited ? max(limit.rlim_cur, 1 << 20) : limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let files = limit.rlim_cur >= 1 << 20 ? 1 << 20 : Int(limit.rlim_cur)
        return max(16, files - files / 10 - reservedDescriptors)
    }
}
