import Foundation
import HTTPKit
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

/// A listener built by the kit closes a connection that sends no head, or sits idle
/// after an answer, on time, and the connection past its cap at once.
@Suite struct AListenersLimits {
    /// What the client saw.
    struct Seen: Sendable {
        var answered = false, pastClosed = false, silentClosed = false, keptClosed = false
    }

    /// Runs `body` (off the cooperative pool) with the port of an application on
    /// `listener`, then stops it.
    static func serving(_ listener: Listener, _ body: @escaping @Sendable (Int) throws -> Seen) async throws -> Seen {
        let router = Router()
        router.get("/") { _, _ in "ok" }
        let (ports, bound) = AsyncStream<Int>.makeStream()
        let app = listener.application(router: router, server: listener.server(), serverName: "test",
                                       logger: Logger(label: "test"), onRunning: { bound.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        return try await withThrowingTaskGroup(of: Seen?.self) { tasks in
            tasks.addTask { try await group.run(); return nil }
            let port = try #require(await ports.first { _ in true })
            let seen = try await Task.detached { try body(port) }.value
            await group.triggerGracefulShutdown()
            return seen
        }
    }

    @Test func silentIdleAndOverTheCapConnectionsAreClosed() async throws {
        // Timeouts long beside the steps before the third connection (two connects and one
        // request), so that on a loaded machine (tests run in parallel) neither of the
        // first two is closed before the third arrives and finds the cap reached.
        let limits = ConnectionLimits(idleTimeout: 4, headerTimeout: 8, maxConnections: 2)
        let listener = Listener(host: "127.0.0.1", port: 0, limits: limits)
        let seen = try await Self.serving(listener) { port in
            var seen = Seen()
            let silent = try Socket(port: port)
            let kept = try Socket(port: port)
            kept.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            seen.answered = kept.read().hasPrefix("HTTP/1.1 200")
            let past = try Socket(port: port)
            seen.pastClosed = past.closed(within: 5)
            seen.silentClosed = silent.closed(within: 14)
            seen.keptClosed = kept.closed(within: 14)
            return seen
        }
        #expect(seen.answered)
        #expect(seen.pastClosed, "the 3rd connection was not closed")
        #expect(seen.silentClosed, "the silent connection is still open")
        #expect(seen.keptClosed, "the idle connection is still open")
        #expect(listener.stats.closedCount(.headerTimeout) == 1)
        #expect(listener.stats.closedCount(.idleTimeout) == 1)
        #expect(listener.stats.closedCount(.overConnectionLimit) == 1)
    }
}

/// A blocking client socket on 127.0.0.1, for what an HTTP client does not do.
final class Socket: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { close(fd); throw CocoaError(.fileReadUnknown) }
    }

    deinit { close(fd) }

    func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// What arrives within 10 s.
    func read() -> String {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, 10_000) > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : ""
    }

    /// The server closed it (end of file or a reset) within `seconds`.
    func closed(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 50) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return true }
        }
        return false
    }
}
