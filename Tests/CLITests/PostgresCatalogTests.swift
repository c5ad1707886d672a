import Foundation
import Testing
import TestSupport

/// The catalog on PostgreSQL through the mailconf binary: every command as on SQLite,
/// `serve` replicas sharing one database, an outage, and bad input. Against the lab's
/// own PostgreSQL clusters (scripts/test-servers.sh).
@Suite(.serialized, .needs(.labPostgres))
struct SharedCatalogOnPostgres {
    static func status(_ port: Int, _ domain: String) -> Int {
        let head = "GET /mail/config-v1.1.xml?emailaddress=alice@\(domain) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        return (try? RawHTTPConnection.request(port: port, head).status) ?? -1
    }

    /// Seconds until every replica answers for `domain` with `expected`, asking each every
    /// 10 ms; nil when one has not within `limit`.
    static func secondsUntil(_ ports: [Int], _ domain: String, answer expected: Int, limit: Double) async throws -> Double? {
        try await offThePool {
            let start = Date()
            var pending = Set(ports)
            while Date().timeIntervalSince(start) <= limit {
                for p in pending where status(p, domain) == expected { pending.remove(p) }
                if pending.isEmpty { return Date().timeIntervalSince(start) }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return nil
        }
    }

    static func occurrences(of text: String, in log: String) -> Int {
        log.components(separatedBy: text).count - 1
    }

    /// A CLI on a new database of `lab`, the password in PGPASSWORD.
    static func cli(_ lab: LabPostgres) throws -> CLI {
        CLI(database: try lab.freshDatabase(), environment: ["PGPASSWORD": lab.password])
    }

    /// The same commands on SQLite and on PostgreSQL print the same JSON.
    @Test func everyCatalogCommandAnswersAsOnSQLite() throws {
        let lab = try #require(LabServers.current?.postgres)
        let sqlite = CLI(), postgres = try Self.cli(lab)
        defer { sqlite.cleanUp(); postgres.cleanUp() }
        let file = sqlite.dir.appendingPathComponent("example.org.xml")
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <clientConfig version="1.1"><emailProvider id="example.org"><domain>example.org</domain>
            <displayName>Example</displayName><outgoingServer type="smtp"><hostname>smtp.example.org</hostname>
            <port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication>
            <username>%EMAILADDRESS%</username></outgoingServer></emailProvider></clientConfig>
            """.write(to: file, atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["catalog", "update", "--json"],
            ["providers", "list", "--json"],
            ["providers", "show", "fastmail", "--json"],
            ["providers", "search", "ses", "--json"],
            ["servers", "add", "--provider", "office", "--host", "smtp.office.example", "--port", "587", "--security", "starttls",
             "--auth", "password-cleartext", "--username", "%EMAILADDRESS%", "--json"],
            ["servers", "add", "--provider", "office", "--protocol", "imap", "--host", "imap.office.example", "--port", "993",
             "--security", "tls", "--auth", "password-cleartext", "--json"],
            ["servers", "list", "--json"],
            ["domains", "add", "office.example", "--provider", "office", "--json"],
            ["domains", "add", "example.com", "--provider", "fastmail", "--json"],
            ["domains", "add", "example.com", "--provider", "gmail", "--json"],
            ["domains", "list", "--json"],
            ["import", file.path, "--json"],
            ["import", file.path, "--json"],
            ["providers", "show", "example.org", "--json"],
            ["export", "thunderbird", "alice@office.example"],
            ["export", "msmtp", "alice@office.example"],
            ["servers", "remove", "1", "--json"],
            ["domains", "remove", "example.com", "--json"],
            ["domains", "list", "--json"],
        ]
        for step in steps {
            let a = try sqlite.run(step), b = try postgres.run(step)
            #expect(a.status == b.status, "\(step): SQLite \(a.status) \(a.err), PostgreSQL \(b.status) \(b.err)")
            #expect(a.out == b.out, "\(step): the outputs differ")
            #expect(a.err.replacingOccurrences(of: sqlite.db, with: "DB") == b.err.replacingOccurrences(of: postgres.db, with: "DB"),
                    "\(step): \(a.err) / \(b.err)")
        }
        // The ids of servers and the edit of one, on PostgreSQL.
        let listed = try #require(try postgres.run(["servers", "list", "--json"]).json() as? [[String: Any]])
        #expect(listed.count == 2)
        let id = try #require(listed.first?["id"] as? Int)
        #expect(try postgres.run(["servers", "remove", String(id + 1)]).status == 0)
        let edit = try postgres.run(["servers", "edit", String(id), "--port", "143", "--security", "starttls"])
        #expect(edit.status == 0, "\(edit.err)")
        #expect(try postgres.run(["servers", "list"]).out.contains("143"))
    }

    @Test func aChangeFromAThirdProcessReachesBothReplicasWithinASecond() async throws {
        let lab = try #require(LabServers.current?.postgres)
        let cli = try Self.cli(lab)
        defer { cli.cleanUp() }
        #expect(try await cli.run(["domains", "add", "first.example", "--provider", "fastmail"]).status == 0)
        // The second replica logs in as a role that may only read.
        let database = String(cli.db.split(separator: "/").last!)
        try lab.psql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO mailconf_reader", database: database)
        var reader = cli
        reader.database = cli.db.replacingOccurrences(of: "mailconf@", with: "mailconf_reader@")
        let a = try await ServeProcess.start(cli), b = try await ServeProcess.start(reader)
        for replica in [a, b] {
            #expect(Self.status(replica.port, "first.example") == 200)
            #expect(Self.status(replica.port, "added.example") == 404)
        }
        let added = try await cli.run(["domains", "add", "added.example", "--provider", "gmail"])
        #expect(added.status == 0, "\(added.err)")
        let seen = try await Self.secondsUntil([a.port, b.port], "added.example", answer: 200, limit: 1)
        #expect(seen != nil, "a replica did not answer for the new domain within 1 s:\n\(a.log)\n\(b.log)")
        let removed = try await cli.run(["domains", "remove", "added.example"])
        #expect(removed.status == 0, "\(removed.err)")
        let gone = try await Self.secondsUntil([a.port, b.port], "added.example", answer: 404, limit: 1)
        #expect(gone != nil, "a replica still answered for the removed domain after 1 s")
        for replica in [a, b] {
            #expect(!replica.log.contains(lab.password))
            #expect(replica.log.contains("catalog loaded"))
        }
    }

    @Test func replicasAnswerFromTheirCacheWhilePostgresIsDownAndCatchUpAfter() async throws {
        let lab = try #require(LabServers.current?.postgresForOutage)
        let cli = try Self.cli(lab)
        defer { cli.cleanUp() }
        #expect(try await cli.run(["domains", "add", "first.example", "--provider", "fastmail"]).status == 0)
        let a = try await ServeProcess.start(cli), b = try await ServeProcess.start(cli)
        let ports = [a.port, b.port]
        try lab.control("stop")
        var running = false
        defer { if !running { try? lab.control("start") } }
        // Ten seconds without PostgreSQL: every answer still comes, from the cache.
        let missed = try await offThePool {
            var missed: [String] = []
            for i in 0..<20 {
                for p in ports where Self.status(p, "first.example") != 200 { missed.append("port \(p) at \(Double(i) / 2) s") }
                Thread.sleep(forTimeInterval: 0.5)
            }
            return missed
        }
        #expect(missed.isEmpty, "\(missed)")
        let whileDown = try await cli.run(["domains", "list"])
        #expect(whileDown.status == 1)
        #expect(whileDown.err.contains(cli.db) && whileDown.err.contains("nothing listens there"), "\(whileDown.err)")
        try lab.control("start")
        running = true
        let added = try await cli.run(["domains", "add", "after.example", "--provider", "gmail"])
        #expect(added.status == 0, "\(added.err)")
        let seen = try await Self.secondsUntil(ports, "after.example", answer: 200, limit: 10)
        #expect(seen != nil, "a replica did not pick up the change made after the restart:\n\(a.log)\n\(b.log)")
        for replica in [a, b] {
            let log = replica.log
            #expect(Self.occurrences(of: "cannot open the catalog at \(cli.db)", in: log) == 1, "\(log)")
            #expect(Self.occurrences(of: "can be read again", in: log) == 1, "\(log)")
            #expect(!log.contains(lab.password))
        }
    }

    @Test func badInputGetsAClearErrorNamingTheURLWithoutItsSecret() async throws {
        let lab = try #require(LabServers.current?.postgres)
        let url = try lab.freshDatabase()
        let bare = CLI(database: url)
        defer { bare.cleanUp() }

        // A wrong password, from --db-password-file.
        let wrong = "not-the-password-\(UUID().uuidString)"
        let wrongFile = bare.dir.appendingPathComponent("wrong-password")
        try wrong.write(to: wrongFile, atomically: true, encoding: .utf8)
        chmod(wrongFile.path, 0o600)
        let refused = try await bare.run(["domains", "list", "--db-password-file", wrongFile.path])
        #expect(refused.status == 1)
        #expect(refused.err.contains("cannot open the catalog at \(url)"), "\(refused.err)")
        #expect(refused.err.contains("password authentication failed") && refused.err.contains("28P01"), "\(refused.err)")
        #expect(!refused.err.contains(wrong) && !refused.out.contains(wrong))
        // A password file others may read is refused before it is used.
        chmod(wrongFile.path, 0o644)
        let open = try await bare.run(["domains", "list", "--db-password-file", wrongFile.path])
        #expect(open.status == 1 && open.err.contains("chmod 600"), "\(open.err)")
        // The right password from a PGPASSFILE line; the file's rules as libpq's.
        let passfile = bare.dir.appendingPathComponent("pgpass")
        try "# lab\n127.0.0.1:\(lab.port):*:mailconf:\(lab.password)\n".write(to: passfile, atomically: true, encoding: .utf8)
        chmod(passfile.path, 0o600)
        let byFile = try await bare.run(["domains", "list", "--json"], env: ["PGPASSFILE": passfile.path])
        #expect(byFile.status == 0, "\(byFile.err)")

        // No password at all.
        let none = try await bare.run(["domains", "list"], env: ["PGPASSFILE": "/nonexistent"])
        #expect(none.status == 1 && none.err.contains("asks for a password") && none.err.contains(url), "\(none.err)")

        // A password in the URL is refused, and never printed.
        let secret = "s3cret-\(UUID().uuidString.prefix(8))"
        let inURL = url.replacingOccurrences(of: "mailconf@", with: "mailconf:\(secret)@")
        let leaked = try await bare.run(["domains", "list", "--db", inURL], useDB: false)
        #expect(leaked.status == 1 && leaked.err.contains("holds a password"), "\(leaked.err)")
        #expect(!leaked.err.contains(secret))

        // An unreachable host.
        let nowhere = "postgres://mailconf@127.0.0.1:1/mailconf"
        let unreachable = try await bare.run(["domains", "list", "--db", nowhere, "--json"], useDB: false)
        #expect(unreachable.status == 1)
        let failure = try #require((try unreachable.json() as? [String: Any])?["error"] as? [String: Any], "\(unreachable.out)")
        #expect(failure["kind"] as? String == "cannot-open-catalog", "\(failure)")
        #expect((failure["message"] as? String)?.contains("\(nowhere): nothing listens there") == true, "\(failure)")

        // A database without the schema: serve (which only reads) says what to run.
        let empty = try lab.freshDatabase()
        let serveEmpty = try await CLI(database: empty, environment: ["PGPASSWORD": lab.password]).run(["serve", "--port", "0"])
        #expect(serveEmpty.status == 1)
        #expect(serveEmpty.err.contains("the catalog at \(empty) has no mailconf tables"), "\(serveEmpty.err)")
        #expect(serveEmpty.err.contains("mailconf catalog update --db \(empty)"))

        // A schema newer than this binary: refused by readers and writers alike.
        let withPassword = CLI(database: url, environment: ["PGPASSWORD": lab.password])
        defer { withPassword.cleanUp() }
        #expect(try await withPassword.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        try lab.psql("INSERT INTO mailconf_migrations(identifier) VALUES ('v99: from a later mailconf')",
                     database: String(url.split(separator: "/").last!))
        for command in [["domains", "list"], ["serve", "--port", "0"]] {
            let newer = try await withPassword.run(command)
            #expect(newer.status == 1, "\(command)")
            #expect(newer.err.contains("the catalog at \(url) was migrated by a newer mailconf")
                    && newer.err.contains("'v99: from a later mailconf'"), "\(command): \(newer.err)")
            #expect(!newer.err.contains(lab.password))
        }
    }

    @Test func tlsToTheDatabaseFollowsSSLMode() throws {
        let lab = try #require(LabServers.current?.postgres)
        let ca = try #require(LabServers.current?.caFile)
        let database = try lab.freshDatabase().split(separator: "/").last!
        // The lab certificate names localhost.
        let base = "postgres://mailconf@localhost:\(lab.port)/\(database)"
        let cli = CLI(environment: ["PGPASSWORD": lab.password])
        defer { cli.cleanUp() }
        let verified = try cli.run(["domains", "list", "--db", "\(base)?sslmode=verify-full", "--db-ca-file", ca], useDB: false)
        #expect(verified.status == 0, "\(verified.err)")
        let required = try cli.run(["domains", "list", "--db", "\(base)?sslmode=require"], useDB: false)
        #expect(required.status == 0, "\(required.err)")
        // The server's TLS sessions are really TLS.
        let ssl = try lab.psql("SELECT count(*) FROM pg_stat_ssl WHERE ssl")
        #expect(ssl.trimmingCharacters(in: .whitespacesAndNewlines) != "", "\(ssl)")
        // Another CA than the server's: refused, never downgraded.
        let otherCA = cli.dir.appendingPathComponent("other-ca.pem")
        let made = try Tool.run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", cli.dir.appendingPathComponent("k").path,
                                            "-out", otherCA.path, "-days", "1", "-subj", "/CN=another CA"])
        #expect(made.status == 0, "\(made.stderr)")
        let untrusted = try cli.run(["domains", "list", "--db", "\(base)?sslmode=verify-full", "--db-ca-file", otherCA.path], useDB: false)
        #expect(untrusted.status == 1)
        #expect(untrusted.err.contains("TLS failed") && untrusted.err.contains(base), "\(untrusted.err)")
        // A CA file without verify-full would check nothing: refused.
        let unchecked = try cli.run(["domains", "list", "--db", "\(base)?sslmode=require", "--db-ca-file", ca], useDB: false)
        #expect(unchecked.status == 1 && unchecked.err.contains("sslmode=verify-full"), "\(unchecked.err)")
    }
}
