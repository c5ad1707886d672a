import Foundation
import Testing
import TestSupport

/// A datagram socket standing in for systemd's notification socket.
private final class NotifySocket {
    let path: String
    let fd: Int32

    init(in dir: URL) throws {
        path = dir.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw RawHTTPError(message: "cannot bind \(path): errno \(errno)") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The next datagram, or nil after 15 s.
    func next() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
    }
}

@Suite(.serialized) struct ServeUnderSystemd {
    /// Type=notify without libsystemd: READY=1 once the port answers, RELOADING=1 then
    /// READY=1 around a SIGHUP reload, STOPPING=1 on SIGTERM.
    @Test func itTellsSystemdWhenItIsReadyReloadsAndStops() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let notify = try NotifySocket(in: cli.dir)
        let server = try ServeProcess(cli, arguments: ["--no-access-log"], environment: ["NOTIFY_SOCKET": notify.path])
        let ready = try #require(notify.next(), "no READY=1 within 15 s")
        #expect(ready.split(separator: "\n").contains("READY=1"), "\(ready)")
        #expect(ready.contains("STATUS=serving 1 domains on port \(server.port)"), "\(ready)")
        // By then the port answers.
        #expect(try RawHTTPConnection.request(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)

        server.signal(SIGHUP)
        let reloading = try #require(notify.next(), "no RELOADING=1 after SIGHUP")
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="), "\(reloading)")
        let reloaded = try #require(notify.next(), "no READY=1 after the reload")
        #expect(reloaded.hasPrefix("READY=1"), "\(reloaded)")

        server.signal(SIGTERM)
        let stopping = try #require(notify.next(), "no STOPPING=1 after SIGTERM")
        #expect(stopping == "STOPPING=1")
        #expect(server.exitStatus(within: 15) == 0)
    }
}
