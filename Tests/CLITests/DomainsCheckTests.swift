import Foundation
import Testing
import TestSupport

/// `mailconf domains check` against the lab's dnsmasq (scripts/dns-zones/domains-check.conf:
/// complete.test and one domain for each thing missing or wrong) and a real
/// `mailconf serve` over https, reached through --connect-to.
@Suite(.serialized, .needs(.lab, .openssl))
struct DomainsCheckAgainstTheLab {
    static let domains = ["complete.test", "noautoconfig.test", "noautodiscover.test", "nosrv.test", "wrongsrv.test", "nomx.test",
                          "elsewhere.test", "uastale.test"]

    /// The `_ua-auto-config` record of Fastmail's user-agent configuration, as in the zone file.
    static let userAgentRecord = "v=UAAC1; a=sha256; d=ly1ZzE1DkDv6HaB+wlECBnmHVrOJHHgm14Sdiux2Yd8="

    let lab: LabServers
    let pki: TestPKI
    let cli = CLI()

    /// The test domains, each added as Fastmail, and a certificate for their hosts: made
    /// once for the suite, off the cooperative pool (openssl and eight processes; the
    /// async tests beside these need the pool's threads), and copied for each test.
    static let prepared: Result<(catalog: URL, pki: TestPKI), any Error> = Result {
        let pki = try TestPKI.sharedNow()
        try pki.issue("served", san: domains.flatMap { ["DNS:autoconfig.\($0)", "DNS:autodiscover.\($0)", "DNS:ua-auto-config.\($0)"] }
            .joined(separator: ","))
        let cli = CLI()
        for d in domains {
            let r = try cli.run(["domains", "add", d, "--provider", "fastmail"])
            guard r.status == 0 else { throw RawHTTPError(message: "domains add \(d): \(r.err)") }
        }
        return (URL(fileURLWithPath: cli.db), pki)
    }

    init() async throws {
        lab = try #require(LabServers.current)
        let (catalog, pki) = try await offThePool { try Self.prepared.get() }
        self.pki = pki
        try FileManager.default.copyItem(at: catalog, to: URL(fileURLWithPath: cli.db))
    }

    func file(_ name: String) -> String { pki.dir.appendingPathComponent(name).path }

    /// serve over https with this certificate, on this catalog.
    func serve(certificate: String = "served", catalog: CLI? = nil) async throws -> ServeProcess {
        try await ServeProcess.start(catalog ?? cli, arguments: ["--tls-cert", file("\(certificate).pem"), "--tls-key", file("\(certificate).key")])
    }

    func check(_ domain: String, port: Int, extra: [String] = []) async throws -> (CLI.Result, [[String: Any]]) {
        let args = ["domains", "check", domain, "--server", "serve.mailconf.test", "--dns-server", "127.0.0.1:\(lab.port(.dns))",
                    "--ca-file", pki.caFile, "--timeout", "3",
                    "--connect-to", "autoconfig.\(domain):443:127.0.0.1:\(port)", "--connect-to", "autodiscover.\(domain):443:127.0.0.1:\(port)",
                    "--connect-to", "ua-auto-config.\(domain):443:127.0.0.1:\(port)"]
        let json = try await cli.run(args + extra + ["--json"])
        let findings = (try? json.json() as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        return (json, findings)
    }

    func finding(_ findings: [[String: Any]], _ name: String) -> (status: String, detail: String, zoneLine: String?)? {
        guard let f = findings.first(where: { ($0["name"] as? String) == name }) else { return nil }
        return (f["status"] as? String ?? "", f["detail"] as? String ?? "", f["zone_line"] as? String)
    }

    @Test func aCompleteDomainHasNothingToFix() async throws {
        defer { cli.cleanUp() }
        let server = try await serve()
        let (json, findings) = try await check("complete.test", port: server.port)
        #expect(json.status == 0, "\(json.out) \(json.err)")
        #expect(findings.count == 16)
        for f in findings { #expect(f["status"] as? String == "ok", "\(f)") }
        #expect(finding(findings, "https://autoconfig.complete.test/mail/config-v1.1.xml?emailaddress=mailconf-check%40complete.test")?
            .detail.contains("byte for byte") == true)
        #expect(finding(findings, "autodiscover.complete.test")?.detail.contains("CNAME serve.mailconf.test") == true)
        #expect(finding(findings, "_imap._tcp.complete.test")?.detail == "says not offered, as the catalog has it")
        // Apple's user-agent auto-configuration: the JSON served, and its digest in DNS.
        #expect(finding(findings, "https://ua-auto-config.complete.test/.well-known/user-agent-configuration.json")?
            .detail.contains("byte for byte") == true)
        #expect(finding(findings, "_ua-auto-config.complete.test")?.detail == "the SHA-256 of the catalog's configuration")
        let text = try await cli.run(["domains", "check", "complete.test", "--server", "serve.mailconf.test", "--dns-server",
                                "127.0.0.1:\(lab.port(.dns))", "--ca-file", pki.caFile,
                                "--connect-to", "autoconfig.complete.test:443:127.0.0.1:\(server.port)",
                                "--connect-to", "autodiscover.complete.test:443:127.0.0.1:\(server.port)",
                                "--connect-to", "ua-auto-config.complete.test:443:127.0.0.1:\(server.port)"])
        #expect(text.status == 0)
        #expect(text.out.hasPrefix("complete.test (served as fastmail): nothing to fix"), "\(text.out)")
    }

    @Test func eachMissingRecordIsNamedWithTheLineToAdd() async throws {
        defer { cli.cleanUp() }
        let server = try await serve()
        let cases: [(domain: String, name: String, status: String, line: String?, exit: Int32)] = [
            ("noautoconfig.test", "autoconfig.noautoconfig.test", "fix", "autoconfig.noautoconfig.test. 3600 IN CNAME serve.mailconf.test.", 1),
            ("noautodiscover.test", "autodiscover.noautodiscover.test", "fix", "autodiscover.noautodiscover.test. 3600 IN CNAME serve.mailconf.test.", 1),
            ("nosrv.test", "_imaps._tcp.nosrv.test", "note", "_imaps._tcp.nosrv.test. 3600 IN SRV 0 1 993 imap.fastmail.com.", 0),
            ("nosrv.test", "_autodiscover._tcp.nosrv.test", "note", "_autodiscover._tcp.nosrv.test. 3600 IN SRV 0 1 443 serve.mailconf.test.", 0),
            ("wrongsrv.test", "_imaps._tcp.wrongsrv.test", "fix", "_imaps._tcp.wrongsrv.test. 3600 IN SRV 0 1 993 imap.fastmail.com.", 1),
            ("wrongsrv.test", "_pop3._tcp.wrongsrv.test", "fix", "_pop3._tcp.wrongsrv.test. 3600 IN SRV 0 0 0 .", 1),
            ("nomx.test", "nomx.test", "fix", nil, 1),
            ("elsewhere.test", "autoconfig.elsewhere.test", "fix", "autoconfig.elsewhere.test. 3600 IN CNAME serve.mailconf.test.", 1),
            ("uastale.test", "_ua-auto-config.uastale.test", "fix", "_ua-auto-config.uastale.test. 3600 IN TXT \"\(Self.userAgentRecord)\"", 1),
            // Not published at all: a note with both lines.
            ("nosrv.test", "ua-auto-config.nosrv.test", "note",
             "ua-auto-config.nosrv.test. 3600 IN CNAME serve.mailconf.test.\n_ua-auto-config.nosrv.test. 3600 IN TXT \"\(Self.userAgentRecord)\"", 0),
        ]
        for c in cases {
            let (json, findings) = try await check(c.domain, port: server.port)
            #expect(json.status == c.exit, "\(c.domain): \(json.out) \(json.err)")
            let f = try #require(finding(findings, c.name), "\(c.domain): no finding for \(c.name)")
            #expect(f.status == c.status, "\(c.name): \(f)")
            #expect(f.zoneLine == c.line, "\(c.name): \(f)")
            // Everything else about the domain is right, but for the agreement the fix spoils.
            let others = findings.filter { ($0["name"] as? String) != c.name && ($0["name"] as? String) != "agreement" }
            let wrong = others.filter { $0["status"] as? String == "fix" }.compactMap { $0["name"] as? String }
            #expect(wrong.allSatisfy { c.domain == "wrongsrv.test" && $0.hasPrefix("_") }, "\(c.domain): also \(wrong)")
        }
    }

    @Test func aCertificateForAnotherNameIsAFix() async throws {
        defer { cli.cleanUp() }
        let server = try await serve(certificate: "other")
        let (json, findings) = try await check("complete.test", port: server.port)
        #expect(json.status == 1)
        let https = findings.filter { ($0["name"] as? String)?.hasPrefix("https://") == true }
        #expect(https.count == 3)
        for f in https {
            #expect(f["status"] as? String == "fix")
            #expect((f["detail"] as? String)?.contains("serve it with a certificate valid for") == true, "\(f)")
        }
        #expect(finding(findings, "agreement")?.status == "fix")
    }

    @Test func anAnswerThatIsNotTheCatalogsIsAFix() async throws {
        defer { cli.cleanUp() }
        // The server's own catalog serves complete.test as Gmail; this one says Fastmail.
        let elsewhere = CLI()
        defer { elsewhere.cleanUp() }
        #expect(try await elsewhere.run(["domains", "add", "complete.test", "--provider", "gmail"]).status == 0)
        let server = try await serve(catalog: elsewhere)
        let (json, findings) = try await check("complete.test", port: server.port)
        #expect(json.status == 1)
        let autoconfig = try #require(finding(findings, "https://autoconfig.complete.test/mail/config-v1.1.xml?emailaddress=mailconf-check%40complete.test"))
        #expect(autoconfig.status == "fix")
        #expect(autoconfig.detail.hasPrefix("not the catalog's answer: line"), "\(autoconfig.detail)")
        #expect(finding(findings, "https://autodiscover.complete.test/autodiscover/autodiscover.xml")?.status == "fix")
        // Gmail's user-agent configuration is not the bytes whose digest is published.
        #expect(finding(findings, "https://ua-auto-config.complete.test/.well-known/user-agent-configuration.json")?.status == "fix")
    }

    @Test func aDomainThatIsNotTheOrganisationsIsRefused() async throws {
        defer { cli.cleanUp() }
        let r = try await cli.run(["domains", "check", "unknown.test"])
        #expect(r.status == 1)
        #expect(r.err.contains("not an organisation domain"), "\(r.err)")
        #expect(r.err.contains("mailconf domains add unknown.test --provider ID"))
    }
}
