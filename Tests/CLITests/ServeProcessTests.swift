import Foundation
import Testing
import TestSupport

/// `mailconf serve` as a real process: started, answering, stopped by a signal.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let output: URL
    let port: Int

    /// - wrapper: a program to run it under (`strace -f -o FILE`), its arguments first.
    /// - port: where to listen (0: a free port).
    init(_ cli: CLI, arguments: [String] = [], environment: [String: String] = [:], wrapper: [String] = [], port: Int = 0) throws {
        output = cli.dir.appendingPathComponent("serve-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let serve = ["serve", "--port", String(port), "--db", cli.db] + arguments
        if let program = wrapper.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(wrapper.dropFirst()) + [CLI.binary.path] + serve
        } else {
            process.executableURL = CLI.binary
            process.arguments = serve
        }
        let environment = cli.environment.merging(environment) { $1 }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        var found: Int?
        for _ in 0..<300 where found == nil {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("mailconf serve: listening on") }),
               let last = line.split(separator: ":").last?.split(separator: "/").first {
                found = Int(last)
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let found else {
            process.terminate()
            throw RawHTTPError(message: "mailconf serve did not start: \((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        }
        self.port = found
    }

    /// Starts it off the cooperative pool (waiting for its port takes up to 15 s).
    static func start(_ cli: CLI, arguments: [String] = [], environment: [String: String] = [:],
                      wrapper: [String] = [], port: Int = 0) async throws -> ServeProcess {
        try await offThePool { try ServeProcess(cli, arguments: arguments, environment: environment, wrapper: wrapper, port: port) }
    }

    /// Waits, off the cooperative pool, until the log holds `text` (at most `seconds`).
    func waitForLog(_ text: String, seconds: Double) async -> Bool {
        (try? await offThePool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if self.log.contains(text) { return true }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return self.log.contains(text)
        }) ?? false
    }

    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    func signal(_ s: Int32) { kill(process.processIdentifier, s) }

    /// Waits for the process to end, at most `seconds`; nil when it did not.
    func exitStatus(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
}

@Suite(.serialized) struct ServeAsAProcess {
    @Test func aRequestInFlightFinishesWhenSIGTERMArrives() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let server = try ServeProcess(cli)

        let body = """
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>dan@example.org</EMailAddress></Request></Autodiscover>
            """
        let half = body.utf8.count / 2
        let inFlight = try RawHTTPConnection(port: server.port)
        try inFlight.send("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.example.org\r\nContent-Type: text/xml\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        try inFlight.send(String(body.prefix(half)))
        Thread.sleep(forTimeInterval: 0.2)

        server.signal(SIGTERM)
        // New connections are refused once the listener closes.
        var refused = false
        for _ in 0..<60 where !refused {
            refused = (try? RawHTTPConnection(port: server.port)) == nil
            if !refused { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(refused, "the server still accepted connections after SIGTERM")
        #expect(server.process.isRunning, "the server quit with a request in flight")

        // The request in flight still gets its whole answer.
        try inFlight.send(String(body.dropFirst(half)))
        let answer = try inFlight.readAll()
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains("<LoginName>dan@example.org</LoginName>"))
        #expect(server.exitStatus(within: 15) == 0, "\(server.log)")
    }

    @Test func sighupReloadsAndTheLogKeepsAddressesOut() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let server = try ServeProcess(cli)
        let first = try RawHTTPConnection.request(port: server.port,
            "GET /mail/config-v1.1.xml?emailaddress=erin@example.org HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(first.status == 200)
        // The access log is written out within 50 ms.
        for _ in 0..<40 where !server.log.contains("autoconfig example.org 200") { Thread.sleep(forTimeInterval: 0.05) }
        #expect(server.log.contains("autoconfig example.org 200"))
        #expect(!server.log.contains("erin"))

        #expect(try cli.run(["domains", "add", "example.net", "--provider", "gmail"]).status == 0)
        server.signal(SIGHUP)
        var status = 0
        for _ in 0..<100 where status != 200 {
            status = try RawHTTPConnection.request(port: server.port, "GET /v1.1/example.net HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status
            if status != 200 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(status == 200)
        server.signal(SIGINT)
        #expect(server.exitStatus(within: 15) == 0)
    }

    @Test func aPortInUseIsNamedWithWhatToDo() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let first = try await ServeProcess.start(cli, arguments: ["--no-access-log"])
        defer { first.signal(SIGTERM); _ = first.exitStatus(within: 10) }
        let second = try await cli.run(["serve", "--port", String(first.port)])
        #expect(second.status == 1)
        #expect(second.err.contains("cannot listen on 127.0.0.1 port \(first.port): Address already in use; stop what listens there"),
                "\(second.err)")
    }

    @Test(.needs(.openssl, .curl))
    func httpsWithACertificateAndKey() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let cert = cli.dir.appendingPathComponent("cert.pem").path, key = cli.dir.appendingPathComponent("key.pem").path
        let made = try Tool.run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                           "-days", "2", "-subj", "/CN=autoconfig.example.org",
                                           "-addext", "subjectAltName=DNS:autoconfig.example.org,IP:127.0.0.1"])
        #expect(made.status == 0, "\(made.stderr)")
        let server = try ServeProcess(cli, arguments: ["--tls-cert", cert, "--tls-key", key])
        #expect(server.log.contains("https://"))
        let r = try Tool.run("curl", ["-sS", "--cacert", cert, "https://127.0.0.1:\(server.port)/mail/config-v1.1.xml?emailaddress=f@example.org"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imap.fastmail.com"))
        server.signal(SIGTERM)
        #expect(server.exitStatus(within: 15) == 0)

        let wrong = try cli.run(["serve", "--port", "0", "--tls-cert", key, "--tls-key", cert])
        #expect(wrong.status == 1)
        #expect(wrong.err.contains("--tls-cert"))
    }
}

@Suite(.serialized, .needs(.lab))
struct DiscoverAsAProcess {
    /// psl.test's MX is mx.hosted.example.co.uk: the walk stops at example.co.uk with the
    /// public suffix list, and says in --verbose that it asked co.uk too without one.
    @Test func theMXWalkStopsAtTheRegistrableDomain() async throws {
        let lab = try #require(LabServers.current)
        let cli = CLI()
        defer { cli.cleanUp() }
        let args = ["discover", "alice@psl.test", "--verbose", "--dns-server", "127.0.0.1:\(lab.port(.dns))", "--no-ispdb",
                    "--no-guess", "--no-verify", "--timeout", "3"]
        let missing = try await cli.run(args, env: ["MAILCONF_PUBLIC_SUFFIX_LIST": "/nonexistent/public_suffix_list.dat"])
        #expect(missing.out.contains("none of hosted.example.co.uk, example.co.uk, co.uk is in the catalog"), "\(missing.out)")
        #expect(missing.out.contains("no public suffix list at /nonexistent/public_suffix_list.dat (apt-get install publicsuffix)"))
        let list = cli.dir.appendingPathComponent("psl.dat")
        try "// ===BEGIN ICANN DOMAINS===\nuk\nco.uk\n// ===END ICANN DOMAINS===\n".write(to: list, atomically: true, encoding: .utf8)
        let listed = try await cli.run(args, env: ["MAILCONF_PUBLIC_SUFFIX_LIST": list.path])
        #expect(listed.out.contains("none of hosted.example.co.uk, example.co.uk is in the catalog"), "\(listed.out)")
        #expect(listed.out.contains("from the public suffix list \(list.path)"))
    }

    /// clientConfig 1.2's `<domain purpose="mx">`: an address whose MX host lies under a
    /// provider's MX domain gets that provider (the AOL preset names mail.gm0.yahoodns.net).
    @Test func anMXUnderAProvidersMXDomainFindsTheProvider() async throws {
        let lab = try #require(LabServers.current)
        let cli = CLI()
        defer { cli.cleanUp() }
        let r = try await cli.run(["discover", "alice@mxdomain.test", "--verbose", "--dns-server", "127.0.0.1:\(lab.port(.dns))",
                                   "--no-ispdb", "--no-guess", "--no-verify", "--timeout", "3"])
        #expect(r.out.contains("MX mx-aol.mail.gm0.yahoodns.net → mail.gm0.yahoodns.net, the MX domain of aol in the catalog"), "\(r.out)\n\(r.err)")
        #expect(r.out.contains("imap.aol.com"), "\(r.out)")
    }

    @Test func discoverFindsTheLabThroughDNSAndExportsIt() throws {
        let lab = try #require(LabServers.current)
        let cli = CLI()
        defer { cli.cleanUp() }
        let common = ["--dns-server", "127.0.0.1:\(lab.port(.dns))", "--ca-file", lab.caFile, "--no-ispdb", "--timeout", "3"]
        let json = try cli.run(["discover", "alice@disco.test", "--json"] + common)
        #expect(json.status == 0, "\(json.err)")
        let result = try #require(try json.json() as? [String: Any])
        let sources = try #require(result["sources"] as? [[String: Any]])
        #expect(sources.contains { $0["source"] as? String == "srv" && $0["ok"] as? Bool == true })
        let candidates = try #require(result["candidates"] as? [[String: Any]])
        #expect(candidates.first?["verified"] as? Bool == true)

        let msmtp = try cli.run(["discover", "alice@disco.test", "--format", "msmtp"] + common)
        #expect(msmtp.status == 0, "\(msmtp.err)")
        #expect(msmtp.out.contains("host mail.mailconf.test\nport \(lab.port(.smtps))\n"))

        let none = try cli.run(["discover", "carol@nowhere.test", "--no-guess"] + common)
        #expect(none.status == 1)
        #expect(none.out.contains("nothing that works was found for nowhere.test"))
        let bad = try cli.run(["discover", "alice@disco.test", "--dns-server", "ns.example"])
        #expect(bad.status == 2)
        #expect(bad.err.contains("--dns-server"))
    }
}

@Suite(.serialized, .needs(.lab))
struct DeliverabilityAsAProcess {
    @Test func exitCodesJSONAndTheRecordsToAdd() throws {
        let lab = try #require(LabServers.current)
        let cli = CLI()
        defer { cli.cleanUp() }
        let dns = ["--dns-server", "127.0.0.1:\(lab.port(.dns))"]
        let good = try cli.run(["deliverability", "good.test", "--provider", "sendgrid", "--json"] + dns)
        #expect(good.status == 0, "\(good.err)")
        let report = try #require(try good.json() as? [String: Any])
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.contains { $0["id"] as? String == "spf-include" && $0["status"] as? String == "pass" })

        let broken = try cli.run(["deliverability", "nodmarc.test", "--provider", "sendgrid"] + dns)
        #expect(broken.status == 1)
        #expect(broken.out.contains("add:  _dmarc.nodmarc.test. TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.test\""))

        #expect(try cli.run(["deliverability", "not a domain"] + dns).status == 2)
        let unknown = try cli.run(["deliverability", "good.test", "--provider", "no-such-relay"] + dns)
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("no-such-relay"))
    }
}
