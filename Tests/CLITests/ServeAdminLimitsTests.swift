import Foundation
import Testing
import TestSupport

/// The admin listener (`serve --admin`) is built as serve's own is: a half-sent head and
/// an idle connection are closed on time, connections past its cap are closed at once,
/// and a port it cannot listen on is named as the admin listener's.
@Suite(.serialized) struct TheAdminListenersLimits {
    /// A token file for `cli`, mode 0600.
    static func tokens(_ cli: CLI) throws -> URL {
        let file = cli.dir.appendingPathComponent("tokens")
        try "ops:\(String(repeating: "5a", count: 20))\n".write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o600)
        return file
    }

    /// A port free now on 127.0.0.1: bound, read and let go.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw RawHTTPError(message: "no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// serve with its admin listener on a free port, once that listener is up.
    static func serveWithAdmin(_ cli: CLI, _ arguments: [String]) throws -> (ServeProcess, Int) {
        let port = try freePort()
        let server = try ServeProcess(cli, arguments: ["--no-access-log", "--admin", "127.0.0.1:\(port)",
                                                       "--admin-token-file", try tokens(cli).path] + arguments)
        let deadline = Date().addingTimeInterval(10)
        while !server.log.contains("web page on http://127.0.0.1:\(port)/ui/") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard server.log.contains("web page on http://127.0.0.1:\(port)/ui/") else {
            throw RawHTTPError(message: "the admin listener did not start: \(server.log)")
        }
        return (server, port)
    }

    static let signInPage = "GET /ui/login HTTP/1.1\r\nHost: x\r\n\r\n"

    /// As `ServeUnderLoad` proves for serve's listener: connections that send nothing or
    /// half a head are closed once --header-timeout passes (not before), a kept-alive one
    /// once --idle-timeout passes, and the admin listener keeps answering.
    @Test func idleAndHalfSentConnectionsAreClosedOnTime() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let (server, port) = try Self.serveWithAdmin(cli, ["--header-timeout", "2", "--idle-timeout", "4"])
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }
        var slow: [RawHTTPConnection] = [], openedAt: [Date] = []
        for i in 0..<20 {
            let c = try RawHTTPConnection(port: port)
            if i % 2 == 1 { try c.send("GET /domains HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ") }
            slow.append(c)
            openedAt.append(Date())
        }
        let keptAlive = try RawHTTPConnection(port: port)
        try keptAlive.send(Self.signInPage)
        #expect(try keptAlive.readAll().status == 200)
        let answered = Date()

        let now = Date()
        let early = RawHTTPConnection.closedByPeer(slow, within: 0).filter { now.timeIntervalSince(openedAt[$0]) < 1.8 }
        #expect(early.isEmpty, "\(early.count) admin connections closed before the 2 s head timeout")
        let closed = RawHTTPConnection.closedByPeer(slow, within: 12)
        #expect(closed.count == 20, "\(20 - closed.count) of 20 slow admin connections still open 12 s later")
        #expect(try RawHTTPConnection.request(port: port, "GET /ui/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)
        #expect(!RawHTTPConnection.closedByPeer([keptAlive], within: 0).contains(0) || Date().timeIntervalSince(answered) >= 3.5,
                "the kept-alive admin connection was closed before its 4 s idle timeout")
        #expect(RawHTTPConnection.closedByPeer([keptAlive], within: 12).contains(0), "the idle kept-alive admin connection is still open")
    }

    /// With --admin-max-connections 5 the 6th connection is closed at once, while the
    /// first 5 stay open and are answered; serve's own listener is not counted.
    @Test func theConnectionPastTheAdminCapIsClosed() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let (server, port) = try Self.serveWithAdmin(cli, ["--admin-max-connections", "5", "--header-timeout", "60"])
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }
        var first: [RawHTTPConnection] = []
        for _ in 0..<5 { first.append(try RawHTTPConnection(port: port)) }
        for c in first {
            try c.send(Self.signInPage)
            #expect(try c.readAll().status == 200)
        }
        let extra = try RawHTTPConnection(port: port)
        #expect(RawHTTPConnection.closedByPeer([extra], within: 5).contains(0), "the 6th admin connection was not closed")
        #expect(RawHTTPConnection.closedByPeer(first, within: 0.5).isEmpty, "one of the first 5 was closed")
        #expect(try RawHTTPConnection.request(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)
    }

    /// An admin port already in use is reported with the admin address, not serve's port.
    @Test func anAdminPortInUseIsNamedAsTheAdminListeners() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let first = try await ServeProcess.start(cli, arguments: ["--no-access-log"])
        defer { first.signal(SIGTERM); _ = first.exitStatus(within: 10) }
        let second = try await cli.run(["serve", "--port", "0", "--no-access-log", "--admin", "127.0.0.1:\(first.port)",
                                        "--admin-token-file", try Self.tokens(cli).path])
        #expect(second.status == 1)
        #expect(second.err.contains("cannot listen on 127.0.0.1 port \(first.port) (--admin): Address already in use; stop what listens there"),
                "\(second.err)")
    }
}
