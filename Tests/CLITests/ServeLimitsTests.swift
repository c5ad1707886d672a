import Foundation
import Testing
import TestSupport

/// Raises this test process's open-file limit to its hard maximum: the tests hold more
/// connections than a default soft limit of 1024 allows.
private func raiseFileLimit(to wanted: Int) throws {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_cur < rlim_t(wanted) {
        limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    guard limit.rlim_cur >= rlim_t(wanted) else {
        throw RawHTTPError(message: "the open-file limit is \(limit.rlim_cur) (hard \(limit.rlim_max)); these tests need \(wanted): raise it with ulimit -n")
    }
}

/// The value of one metric line (`name{labels} value`) in /metrics.
private func metric(_ text: String, _ line: String) -> Int? {
    text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Int($0.split(separator: " ").last ?? "") }
}

private let healthz = "GET /healthz HTTP/1.1\r\nHost: autoconfig.example.org\r\nConnection: close\r\n\r\n"

/// `mailconf serve` as a real process under connections that would exhaust it: idle
/// ones, slowloris heads, too many, too large.
@Suite(.serialized) struct ServeUnderLoad {
    /// 1,000 connections that send nothing and 200 that send half a head are closed once
    /// the head timeout passes (and not before), a kept-alive connection once the idle
    /// timeout passes, and requests keep being answered all the while.
    @Test func idleAndHalfSentConnectionsAreClosedOnTime() throws {
        try raiseFileLimit(to: 4096)
        let cli = CLI()
        defer { cli.cleanUp() }
        let server = try ServeProcess(cli, arguments: ["--header-timeout", "2", "--idle-timeout", "4", "--no-access-log"])
        var idle: [RawHTTPConnection] = [], openedAt: [Date] = []
        for _ in 0..<1000 {
            idle.append(try RawHTTPConnection(port: server.port))
            openedAt.append(Date())
        }
        var halfSent: [RawHTTPConnection] = []
        for _ in 0..<200 {
            let c = try RawHTTPConnection(port: server.port)
            try c.send("GET /mail/config-v1.1.xml?emailaddress=a@example.org HTTP/1.1\r\nHost: autoconfig.example.org\r\n")
            halfSent.append(c)
            openedAt.append(Date())
        }
        // A kept-alive connection that made one request: the idle timeout is its limit.
        let keptAlive = try RawHTTPConnection(port: server.port)
        try keptAlive.send("GET /healthz HTTP/1.1\r\nHost: autoconfig.example.org\r\n\r\n")
        #expect(try keptAlive.readAll().status == 200)
        let answered = Date()

        // None is closed before the head timeout (a little less, for clocks), and
        // requests are answered.
        let now = Date()
        let early = RawHTTPConnection.closedByPeer(idle + halfSent, within: 0).filter { now.timeIntervalSince(openedAt[$0]) < 1.8 }
        #expect(early.isEmpty, "\(early.count) connections closed before the 2 s head timeout")
        #expect(try RawHTTPConnection.request(port: server.port, healthz).status == 200)

        // By the head timeout and a margin for a loaded machine, all 1,200 are closed,
        // and requests are still answered.
        let closed = RawHTTPConnection.closedByPeer(idle + halfSent, within: 12)
        #expect(closed.count == 1200, "\(1200 - closed.count) of 1,200 slow connections still open 12 s later")
        #expect(try RawHTTPConnection.request(port: server.port, healthz).status == 200)
        #expect(!RawHTTPConnection.closedByPeer([keptAlive], within: 0).contains(0) || Date().timeIntervalSince(answered) >= 3.5,
                "the kept-alive connection was closed before its 4 s idle timeout")
        #expect(RawHTTPConnection.closedByPeer([keptAlive], within: 12).contains(0), "the idle kept-alive connection is still open")

        let metrics = try RawHTTPConnection.request(port: server.port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").body
        #expect((metric(metrics, "mailconf_connections_closed_total{reason=\"header-timeout\"}") ?? 0) >= 1200, "\(metrics)")
        #expect(metric(metrics, "mailconf_connections_closed_total{reason=\"idle-timeout\"}") == 1, "\(metrics)")
        #expect((metric(metrics, "mailconf_connections_open") ?? 0) >= 1, "\(metrics)")
        server.signal(SIGTERM)
        #expect(server.exitStatus(within: 15) == 0)
    }

    /// With --max-connections 100 the 101st connection is closed at once, while the first
    /// 100 stay open and are answered.
    @Test func theConnectionPastTheLimitIsRefusedAndTheOthersLive() throws {
        try raiseFileLimit(to: 1024)
        let cli = CLI()
        defer { cli.cleanUp() }
        let server = try ServeProcess(cli, arguments: ["--max-connections", "100", "--header-timeout", "60", "--no-access-log"])
        var first: [RawHTTPConnection] = []
        for _ in 0..<100 { first.append(try RawHTTPConnection(port: server.port)) }
        // An answer on each proves the server took and counted all 100 before the 101st.
        for c in first {
            try c.send("GET /healthz HTTP/1.1\r\nHost: autoconfig.example.org\r\n\r\n")
            #expect(try c.readAll().status == 200)
        }
        let extra = try RawHTTPConnection(port: server.port)
        #expect(RawHTTPConnection.closedByPeer([extra], within: 5).contains(0), "the 101st connection was not closed")
        #expect(RawHTTPConnection.closedByPeer(first, within: 0.5).isEmpty, "one of the first 100 was closed")
        for c in first {
            try c.send("GET /healthz HTTP/1.1\r\nHost: autoconfig.example.org\r\n\r\n")
            #expect(try c.readAll().status == 200)
        }
        first.removeAll()
        var metrics = ""
        for _ in 0..<50 where !metrics.contains("mailconf_connections_open") {
            Thread.sleep(forTimeInterval: 0.1)
            metrics = (try? RawHTTPConnection.request(port: server.port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").body) ?? ""
        }
        #expect(metric(metrics, "mailconf_connections_closed_total{reason=\"max-connections\"}") == 1, "\(metrics)")
    }

    /// A request head over 16 KiB gets 431 and the connection is closed; one under it is
    /// answered.
    @Test func aHeadOverTheLimitGets431() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let server = try ServeProcess(cli, arguments: ["--no-access-log"])
        let big = "GET /healthz HTTP/1.1\r\nHost: autoconfig.example.org\r\nX-Filler: \(String(repeating: "a", count: 17 * 1024))\r\n\r\n"
        let c = try RawHTTPConnection(port: server.port)
        try c.send(big)
        #expect(try c.readAll().status == 431)
        #expect(RawHTTPConnection.closedByPeer([c], within: 5).contains(0))
        let fits = "GET /healthz HTTP/1.1\r\nHost: autoconfig.example.org\r\nX-Filler: \(String(repeating: "a", count: 15 * 1024))\r\nConnection: close\r\n\r\n"
        #expect(try RawHTTPConnection.request(port: server.port, fits).status == 200)
        // A long request line counts too.
        let longURL = "GET /mail/config-v1.1.xml?emailaddress=\(String(repeating: "b", count: 17 * 1024))@example.org HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(try RawHTTPConnection.request(port: server.port, longURL).status == 431)
    }
}
