import Foundation
import Testing
import TestSupport

/// Runs the real `mailconf` binary built beside this test bundle (or `MAILCONF_BIN`).
struct CLI {
    /// The test's own folder, kept until cleanUp(): a suite may share one CLI's catalog
    /// past the CLI value itself (DomainsCheckTests).
    let dir: URL
    /// A catalog other than the test's own SQLite file (a PostgreSQL URL).
    var database: String?
    /// Set for every run (PGPASSWORD for a PostgreSQL catalog).
    var environment: [String: String] = [:]
    var db: String { database ?? dir.appendingPathComponent("catalog.sqlite").path }

    init(database: String? = nil, environment: [String: String] = [:]) {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailconf-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.database = database
        self.environment = environment
    }

    static var binary: URL {
        if let explicit = ProcessInfo.processInfo.environment["MAILCONF_BIN"] { return URL(fileURLWithPath: explicit) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("mailconf")
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(out.utf8)) }
    }

    /// Runs with `--db` pointing at this test's own catalog unless `useDB` is false;
    /// `program` runs another program instead (a peer such as curl), the same way.
    func run(_ args: [String], useDB: Bool = true, env: [String: String] = [:], program: String? = nil) throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "MAILCONF_DB")
        for (k, v) in self.environment.merging(env, uniquingKeysWith: { $1 }) { environment[k] = v }
        // TestSupport's runner: output through files, and no signal mask inherited.
        let r = try Tool.run(program ?? Self.binary.path, args + (useDB ? ["--db", db] : []), environment: environment)
        return Result(status: r.status, out: r.stdout, err: r.stderr)
    }

    /// ``run(_:useDB:env:)`` off the cooperative pool, for async tests.
    func run(_ args: [String], useDB: Bool = true, env: [String: String] = [:], program: String? = nil) async throws -> Result {
        let cli = self
        return try await offThePool { try cli.run(args, useDB: useDB, env: env, program: program) }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: dir) }
}


@Suite(.serialized) struct CommandLineBehaviour {
    @Test func helpTeaches() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["--help"], useDB: false)
        #expect(r.status == 0)
        for word in ["providers", "servers", "domains", "import", "export", "catalog", "Exit status"] {
            #expect(r.out.contains(word), "help lacks \(word)")
        }
        let sub = try cli.run(["servers", "add", "--help"], useDB: false)
        #expect(sub.status == 0)
        #expect(sub.out.contains("--security"))
        #expect(sub.out.contains("%EMAILADDRESS%"))
    }

    @Test func showsAPresetAsTextAndJSON() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let text = try cli.run(["providers", "show", "gmail"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("smtp.gmail.com"))
        #expect(text.out.contains("SSL/TLS"))
        #expect(FileManager.default.fileExists(atPath: cli.db), "catalog not created on first use")

        let r = try cli.run(["providers", "show", "alice@gmail.com", "--json"])
        #expect(r.status == 0)
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["id"] as? String == "gmail")
        #expect(json["origin"] as? String == "preset")
        let servers = try #require(json["servers"] as? [[String: Any]])
        let smtp = servers.filter { $0["protocol"] as? String == "smtp" }
        #expect(smtp.contains { $0["hostname"] as? String == "smtp.gmail.com" && $0["port"] as? Int == 465 && $0["security"] as? String == "tls" })
        #expect(smtp.contains { $0["port"] as? Int == 587 && $0["security"] as? String == "starttls" })
    }

    @Test func unknownNamesSuggestAndFailWithStatusOne() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["providers", "show", "sendgird"])
        #expect(r.status == 1)
        #expect(r.err.contains("did you mean 'sendgrid'"))
        let j = try cli.run(["providers", "show", "sendgird", "--json"])
        #expect(j.status == 1)
        let error = try #require((try j.json() as? [String: Any])?["error"] as? [String: Any])
        #expect(error["kind"] as? String == "unknown-provider")
    }

    @Test func usageErrorsExitWithTwoAndNameTheValue() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["servers", "add", "--provider", "mine", "--host", "smtp.x.org", "--port", "70000",
                             "--security", "tls", "--auth", "none"])
        #expect(r.status == 2)
        #expect(r.err.contains("port '70000'"))
        #expect(r.err.contains("servers add"))
        let injection = try cli.run(["servers", "add", "--provider", "mine", "--host", "smtp.x.org\r\nQUIT", "--port", "25",
                                     "--security", "none", "--auth", "none"])
        #expect(injection.status == 2)
        #expect(injection.err.contains("\\r\\n"))
        #expect(try cli.run(["providers", "list", "--kind", "spam"]).status == 2)
        #expect(try cli.run(["no-such-command"]).status == 2)
    }

    @Test func userServersAndDomainsFromTheCommandLine() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let add = try cli.run(["servers", "add", "--provider", "office", "--name", "Office relay", "--host", "relay.office.example",
                               "--port", "587", "--security", "starttls", "--auth", "password-cleartext,cram-md5",
                               "--username", "%EMAILLOCALPART%", "--json"])
        #expect(add.status == 0, "\(add.err)")
        let id = try #require((try add.json() as? [String: Any])?["id"] as? Int)
        let list = try cli.run(["servers", "list", "--json"])
        let rows = try #require(try list.json() as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["authentication"] as? [String] == ["password-cleartext", "password-encrypted"])
        let edit = try cli.run(["servers", "edit", "#\(id)", "--port", "465", "--security", "tls"])
        #expect(edit.status == 0, "\(edit.err)")
        #expect(edit.out.contains("relay.office.example:465 SSL/TLS"))
        #expect(try cli.run(["domains", "add", "office.example", "--provider", "office"]).status == 0)
        let domains = try cli.run(["domains", "list"])
        #expect(domains.out.contains("office.example") && domains.out.contains("office"))
        let show = try cli.run(["providers", "show", "bob@office.example"])
        #expect(show.out.contains("relay.office.example"))
        // The last server of a provider a domain still uses cannot go.
        let refused = try cli.run(["servers", "remove", "\(id)"])
        #expect(refused.status == 1)
        #expect(refused.err.contains("domains remove"))
        #expect(try cli.run(["domains", "remove", "office.example"]).status == 0)
        #expect(try cli.run(["servers", "remove", "\(id)"]).status == 0)
        #expect(try cli.run(["servers", "list"]).out.contains("No servers of your own"))
        // Presets are read-only.
        let presetEdit = try cli.run(["servers", "edit", "1", "--port", "25"])
        #expect(presetEdit.status == 1)
        #expect(presetEdit.err.contains("preset"))
    }

    @Test func exportWritesAtomicallyAndFillsInTheAddress() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let target = cli.dir.appendingPathComponent("config-v1.1.xml").path
        let r = try cli.run(["export", "thunderbird", "fastmail", "--email", "alice@fastmail.com", "-o", target])
        #expect(r.status == 0, "\(r.err)")
        let text = try String(contentsOfFile: target, encoding: .utf8)
        #expect(text.hasPrefix("<?xml"))
        #expect(text.contains("<username>alice@fastmail.com</username>"))
        #expect(!text.contains("%EMAILADDRESS%"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
        // A failed export leaves the old file as it was.
        let bad = try cli.run(["export", "thunderbird", "no-such-provider", "-o", target])
        #expect(bad.status == 1)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == text)
        let missingDir = try cli.run(["export", "thunderbird", "gmail", "-o", cli.dir.appendingPathComponent("nope/x.xml").path])
        #expect(missingDir.status == 1)
        #expect(missingDir.err.contains("nope/x.xml"))
    }

    @Test func exportListsFormatsAndExplainsWhatDoesNotFit() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let list = try cli.run(["export", "--list", "--json"])
        #expect(list.status == 0, "\(list.err)")
        let rows = try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["format"] as? String })
            == ["thunderbird", "autodiscover", "mobileconfig", "msmtp", "mutt", "git", "postfix", "env", "django", "nodemailer",
                "phpmailer", "ruby", "spring", "aerc", "mbsync", "fetchmail", "getmail", "offlineimap"])

        // An address as NAME is also the address the file is for.
        let msmtp = try cli.run(["export", "msmtp", "alice@fastmail.com"])
        #expect(msmtp.status == 0, "\(msmtp.err)")
        #expect(msmtp.out.contains("user alice@fastmail.com\n") && msmtp.out.contains("from alice@fastmail.com\n"))
        #expect(msmtp.out.contains("passwordeval"))

        // A relay has no mailbox: a clear refusal, exit 1, nothing on stdout.
        let relay = try cli.run(["export", "mobileconfig", "sendgrid"])
        #expect(relay.status == 1)
        #expect(relay.out.isEmpty)
        #expect(relay.err.contains("no incoming") && relay.err.contains("msmtp"))

        // A username that depends on the address, and no address: say what to give.
        let noAddress = try cli.run(["export", "git", "fastmail"])
        #expect(noAddress.status == 1)
        #expect(noAddress.err.contains("--email"))

        let unknown = try cli.run(["export", "outlook", "gmail"])
        #expect(unknown.status == 2)
        #expect(unknown.err.contains("thunderbird, autodiscover"))
    }

    @Test func importReportsCountsAndSkippedFiles() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let hostile = cli.dir.appendingPathComponent("evil.xml")
        try "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<clientConfig>&x;</clientConfig>"
            .write(to: hostile, atomically: true, encoding: .utf8)
        let r = try cli.run(["import", hostile.path])
        #expect(r.status == 1)
        #expect(r.out.contains("imported 0, updated 0, unchanged 0, skipped 1"))
        #expect(r.err.contains("evil.xml:2:"))
        #expect(!r.out.contains("root:") && !r.err.contains("root:"))
    }

    @Test(.needs(.ispdb)) func theWholeISPDBImportsAndAgainChangesNothing() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let ispdb = try #require(TestEnvironment.ispdbDirectory()).path
        let all = try cli.run(["import", ispdb, "--json"])
        #expect(all.status == 0, "\(all.err)")
        let report = try #require(try all.json() as? [String: Any])
        #expect((report["imported"] as? [String])?.count ?? 0 >= 163)
        #expect((report["skipped"] as? [Any])?.isEmpty == true)
        let again = try cli.run(["import", ispdb])
        #expect(again.out.contains("imported 0, updated 0"))
    }

    @Test func catalogLocationFollowsTheEnvironment() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let xdg = cli.dir.appendingPathComponent("xdg").path
        let r = try cli.run(["catalog", "info", "--json"], useDB: false, env: ["XDG_DATA_HOME": xdg])
        #expect(r.status == 0, "\(r.err)")
        let expected = xdg + "/mailconf/catalog.sqlite"
        #expect((try r.json() as? [String: Any])?["path"] as? String == expected)
        #expect(FileManager.default.fileExists(atPath: expected))
        let viaEnv = cli.dir.appendingPathComponent("env/deeper/c.sqlite").path
        let e = try cli.run(["catalog", "info"], useDB: false, env: ["MAILCONF_DB": viaEnv])
        #expect(e.out.contains(viaEnv))
        #expect(try cli.run(["catalog", "info"]).status == 0)   // creates and seeds cli.db
        let update = try cli.run(["catalog", "update", "--json"])
        let report = try #require(try update.json() as? [String: Any])
        #expect((report["updated"] as? [String]) == [])
        #expect((report["unchanged"] as? Int ?? 0) > 20)
    }

    @Test func lintExplainsAndSetsTheExitStatus() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let bad = try cli.run(["lint", "--host", "smtp.gmail.com", "--port", "465", "--security", "starttls", "--auth", "password"])
        #expect(bad.status == 1)
        #expect(bad.out.contains("port-security-mismatch"))
        #expect(bad.out.contains("fix: use security tls"))
        #expect(bad.out.contains("app-password"))   // the catalog knows Gmail wants an app password
        let json = try cli.run(["lint", "sendgrid", "--json"])
        #expect(json.status == 0)
        let reports = try #require(try json.json() as? [[String: Any]])
        #expect(reports.count == 4)
        let rules = reports.flatMap { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
        #expect(rules == ["port-25-submission"])
        #expect(try cli.run(["lint"]).status == 2)
        #expect(try cli.run(["lint", "gmail", "--host", "x.org"]).status == 2)
    }

    @Test(.needs(.lab))
    func verifyAgainstTheLabMTA() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let lab = try #require(LabServers.current)
        let tlsFirst = try cli.run(["verify", "--host", "127.0.0.1", "--port", String(lab.port(.submission)), "--security", "none", "--json"])
        #expect(tlsFirst.status == 1)
        let results = try #require(try tlsFirst.json() as? [[String: Any]])
        #expect(results.first?["kind"] as? String == "tls-required")
        let ok = try cli.run(["verify", "--host", "localhost", "--port", String(lab.port(.submission)), "--security", "starttls",
                              "--auth", "plain", "--username", lab.user, "--password-file", lab.passwordFile,
                              "--ca-file", lab.caFile, "--verbose"])
        #expect(ok.status == 0, "\(ok.out) \(ok.err)")
        #expect(ok.out.contains("AUTH PLAIN <redacted>"))
        let password = try String(contentsOfFile: lab.passwordFile, encoding: .utf8)
        #expect(!ok.out.contains(password) && !ok.err.contains(password))
        let noPassword = try cli.run(["verify", "--host", "localhost", "--port", String(lab.port(.submission)), "--security", "starttls",
                                      "--auth", "plain", "--username", "x"])
        #expect(noPassword.status == 1)
        #expect(noPassword.err.contains("--password-env"))

        // A catalog server: verified, and 'providers show' remembers the outcome.
        #expect(try cli.run(["servers", "add", "--provider", "lab", "--host", "localhost", "--port", String(lab.port(.submission)),
                             "--security", "starttls", "--auth", "password-cleartext", "--username", "%EMAILADDRESS%"]).status == 0)
        let viaCatalog = try cli.run(["verify", "lab", "--email", lab.user, "--password-file", lab.passwordFile,
                                      "--ca-file", lab.caFile])
        #expect(viaCatalog.status == 0, "\(viaCatalog.out) \(viaCatalog.err)")
        let shown = try cli.run(["providers", "show", "lab"])
        #expect(shown.out.contains("LAST VERIFIED"))
        #expect(shown.out.contains("  ok 20"))
    }

    /// A password file others may read is refused before anything is dialled, naming the
    /// file and the fix, and never showing what it holds; so is one that is not a file.
    @Test func aPasswordFileOthersMayReadIsRefused() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let secret = "s3cret-\(UUID().uuidString)"
        let pw = cli.dir.appendingPathComponent("pw")
        try Data((secret + "\n").utf8).write(to: pw)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: pw.path)
        let args = ["verify", "--host", "localhost", "--port", "1", "--security", "tls", "--auth", "plain",
                    "--username", "u", "--password-file", pw.path, "--json"]
        let open = try cli.run(args)
        #expect(open.status == 1)
        let failure = try #require((try open.json() as? [String: Any])?["error"] as? [String: Any], "\(open.out) \(open.err)")
        #expect(failure["kind"] as? String == "credentials-missing", "\(open.out)")
        let message = failure["message"] as? String ?? ""
        #expect(message.contains(pw.path) && message.contains("mode 640") && message.contains("chmod 600"), "\(message)")
        #expect(!open.out.contains(secret) && !open.err.contains(secret))

        let folder = try cli.run(["verify", "--host", "localhost", "--port", "1", "--security", "tls", "--auth", "plain",
                                  "--username", "u", "--password-file", cli.dir.path])
        #expect(folder.status == 1)
        #expect(folder.err.contains("is not a regular file"), "\(folder.err)")

        // Not UTF-8: refused, not sent as some other password.
        try Data([0x70, 0xff, 0x77, 0x0a]).write(to: pw)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pw.path)
        let latin = try cli.run(args)
        #expect(latin.status == 1)
        #expect(latin.err.contains("not UTF-8"), "\(latin.err)")
    }

    @Test(.needs(.labKerberos))
    func verifyWithKerberos() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let lab = try #require(LabServers.current)
        let krb = try #require(lab.kerberos)
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let port = String(lab.port(.gssapi))
        let noCache = "FILE:" + folder.url.appendingPathComponent("absent").path

        // A server of the user's that logs in with Kerberos, verified by name with the
        // ticket from kinit: nothing asks for a password (stdin is /dev/null), and the
        // username template needs no --email (the login is the ticket's principal).
        #expect(try cli.run(["servers", "add", "--provider", "corp", "--host", "localhost", "--port", port,
                             "--security", "none", "--auth", "gssapi", "--username", "%EMAILADDRESS%"]).status == 0)
        let ok = try cli.run(["verify", "corp", "--json"], env: ["KRB5CCNAME": cache, "KRB5_CONFIG": krb.config])
        #expect(ok.status == 0, "\(ok.out) \(ok.err)")
        let results = try #require(try ok.json() as? [[String: Any]])
        #expect(results.first?["mechanism_used"] as? String == "GSSAPI")

        let noTicket = try cli.run(["verify", "corp", "--json"], env: ["KRB5CCNAME": noCache, "KRB5_CONFIG": krb.config])
        #expect(noTicket.status == 1)
        let failed = try #require(try noTicket.json() as? [[String: Any]])
        #expect(failed.first?["kind"] as? String == "kerberos-no-credentials")
        #expect((failed.first?["message"] as? String)?.contains("run kinit") == true)

        // A client keytab instead of a ticket; its tickets stay in memory.
        let keytab = try cli.run(["verify", "--host", "localhost", "--port", port, "--security", "none",
                                  "--keytab", krb.aliceKeytab, "--principal", krb.alice],
                                 env: ["KRB5CCNAME": noCache, "KRB5_CONFIG": krb.config])
        #expect(keytab.status == 0, "\(keytab.out) \(keytab.err)")
        #expect(keytab.out.contains("(AUTH GSSAPI)"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("absent").path))

        // Kerberos takes no password; asking for both is a usage error that says so.
        let both = try cli.run(["verify", "corp", "--keytab", krb.aliceKeytab, "--password-env", "HOME"])
        #expect(both.status == 2)
        #expect(both.err.contains("Kerberos"), "\(both.err)")

        let help = try cli.run(["verify", "--help"], useDB: false)
        #expect(help.out.contains("--keytab") && help.out.contains("kerberos-clock-skew") && help.out.contains("smtp@HOST"))

        // The same server exported for msmtp logs in with GSSAPI and has no password command.
        let msmtp = try cli.run(["export", "msmtp", "corp", "--email", "alice@example.test"])
        #expect(msmtp.status == 0, "\(msmtp.err)")
        #expect(msmtp.out.contains("auth gssapi") && msmtp.out.contains("user alice@example.test") && !msmtp.out.contains("passwordeval"))
    }

    @Test func listsAndSearches() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let relays = try #require(try cli.run(["providers", "list", "--kind", "relay", "--json"]).json() as? [[String: Any]])
        #expect(relays.count > 10)
        #expect(relays.allSatisfy { $0["kind"] as? String == "relay" })
        let ids = relays.compactMap { $0["id"] as? String }
        for must in ["sendgrid", "brevo", "mailgun-eu", "postmark", "amazon-ses-us-east-1", "mandrill", "mailjet", "sparkpost-us", "smtp2go"] {
            #expect(ids.contains(must), "missing preset \(must)")
        }
        let table = try cli.run(["providers", "list"])
        #expect(table.out.hasPrefix("ID "))
        let found = try cli.run(["providers", "search", "brevo"])
        #expect(found.out.split(separator: "\n").dropFirst().first?.hasPrefix("brevo") == true)
        #expect(try cli.run(["providers", "search", "zzzzqqq"]).status == 1)
    }
}
