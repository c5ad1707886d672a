import Foundation
import Testing
import TestSupport

/// `serve --admin`: the admin API on a listener of its own, writing the catalog that
/// the autoconfig listener answers from.
@Suite(.serialized) struct ServeWithTheAdminAPI {
    @Test func aDomainAddedThroughTheAdminAPIIsServed() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let tokens = try await addAndServe(cli)
        // The token file's rules hold at start.
        chmod(tokens.path, 0o644)
        let open = try await cli.run(["serve", "--port", "0", "--admin", "0", "--admin-token-file", tokens.path])
        #expect(open.status == 1 && open.err.contains("chmod 600"), "\(open.err)")
    }

    /// The same on the shared catalog: the admin listener writes PostgreSQL, and the
    /// autoconfig listener hears of it (LISTEN/NOTIFY) and answers.
    @Test(.needs(.labPostgres))
    func onPostgreSQLToo() async throws {
        let lab = try #require(LabServers.current?.postgres)
        let cli = CLI(database: try lab.freshDatabase(), environment: ["PGPASSWORD": lab.password])
        defer { cli.cleanUp() }
        // serve only reads: the schema is made by a writer first.
        #expect(try await cli.run(["catalog", "update"]).status == 0)
        _ = try await addAndServe(cli)
    }

    /// With --admin-tls-cert the admin listener speaks only HTTPS, and the page's cookies
    /// are Secure. Read with curl, trusting the lab CA.
    @Test(.needs(.lab))
    func theAdminListenerOnTLS() async throws {
        let lab = try #require(LabServers.current)
        let pki = URL(fileURLWithPath: lab.caFile).deletingLastPathComponent()
        let cli = CLI()
        defer { cli.cleanUp() }
        let tokens = cli.dir.appendingPathComponent("tokens")
        try "ops:\(String(repeating: "ab", count: 20))\n".write(to: tokens, atomically: true, encoding: .utf8)
        chmod(tokens.path, 0o600)
        // The lab shares its key with Postfix and Dovecot (chmod 644); serve reads a key
        // only its owner may read, so it gets a copy of its own.
        let key = cli.dir.appendingPathComponent("valid.key")
        try FileManager.default.copyItem(at: pki.appendingPathComponent("valid.key"), to: key)
        chmod(key.path, 0o600)
        let adminPort = try await offThePool { () throws -> Int in
            let probe = try ServeProcess(cli)
            defer { probe.signal(SIGTERM); _ = probe.exitStatus(within: 10) }
            return probe.port
        }
        let server = try await ServeProcess.start(cli, arguments: [
            "--admin", "127.0.0.1:\(adminPort)", "--admin-token-file", tokens.path,
            "--admin-tls-cert", pki.appendingPathComponent("valid.pem").path, "--admin-tls-key", key.path])
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }
        #expect(await server.waitForLog("web page on https://127.0.0.1:\(adminPort)/ui/", seconds: 10), "\(server.log)")
        let https = try await cli.run(["curl", "-sS", "-i", "--max-time", "10", "--cacert", lab.caFile,
                                       "https://127.0.0.1:\(adminPort)/ui/login"], useDB: false, program: "/usr/bin/env")
        #expect(https.status == 0, "\(https.err)")
        #expect(https.out.hasPrefix("HTTP/1.1 200"), "\(https.out)")
        let cookie = https.out.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: mailconf_sign_in=") } ?? ""
        #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(https.out)")
        // Plain HTTP on the TLS port gets no page.
        let plain = try await cli.run(["curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                                       "http://127.0.0.1:\(adminPort)/ui/login"], useDB: false, program: "/usr/bin/env")
        #expect(plain.out != "200", "\(plain.out)")
        // A key that is not there: serve says which file, and does not start.
        let bad = try await cli.run(["serve", "--port", "0", "--admin", "0", "--admin-token-file", tokens.path,
                                     "--admin-tls-cert", lab.caFile, "--admin-tls-key", "/nonexistent.key"])
        #expect(bad.status != 0 && bad.err.contains("--admin-tls-key /nonexistent.key"), "\(bad.err)")
    }

    /// Adds a domain through the admin API of a `serve` over `cli`'s catalog and waits
    /// for the autoconfig listener to answer for it. Returns the token file.
    func addAndServe(_ cli: CLI) async throws -> URL {
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
        server.signal(SIGTERM)
        _ = server.exitStatus(within: 10)
        return tokens
    }
}
