import Foundation
import Testing
import TestSupport

/// `serve --admin`: the admin API on a listener of its own, writing the catalog that
/// the autoconfig listener answers from.
@Suite(.serialized) struct ServeWithTheAdminAPI {
    @Test func aDomainAddedThroughTheAdminAPIIsServed() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let token = (0..<40).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        let tokens = cli.dir.appendingPathComponent("tokens")
        try "ops:\(token)\n".write(to: tokens, atomically: true, encoding: .utf8)
        chmod(tokens.path, 0o600)
        // A free port for the admin listener: bind, read it, let it go.
        let adminPort = try await offThePool { () throws -> Int in
            let probe = try ServeProcess(cli)
            defer { probe.signal(SIGTERM); _ = probe.exitStatus(within: 10) }
            return probe.port
        }
        let server = try await ServeProcess.start(cli, arguments: ["--admin", "127.0.0.1:\(adminPort)", "--admin-token-file", tokens.path])
        let body = #"{"domain": "example.org", "provider": "fastmail"}"#
        let head = "POST /domains HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let added = try await RawHTTPConnection.fetch(port: adminPort, head, body: body)
        #expect(added.status == 201, "\(added.body)")
        let refused = try await RawHTTPConnection.fetch(port: adminPort, head.replacingOccurrences(of: token, with: "x" + token.dropFirst()), body: body)
        #expect(refused.status == 401)
        var served = 0
        for _ in 0..<40 where served != 200 {
            served = try await RawHTTPConnection.fetch(port: server.port,
                "GET /mail/config-v1.1.xml?emailaddress=alice@example.org HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status
            if served != 200 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(served == 200, "\(server.log)")
        #expect(server.log.contains("admin ops: added the domain example.org"))
        #expect(!server.log.contains(token))
        // The token file's rules hold at start.
        chmod(tokens.path, 0o644)
        let open = try await cli.run(["serve", "--port", "0", "--admin", "0", "--admin-token-file", tokens.path])
        #expect(open.status == 1 && open.err.contains("chmod 600"), "\(open.err)")
    }
}
