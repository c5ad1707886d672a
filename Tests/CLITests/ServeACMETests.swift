import Foundation
import Testing
import TestSupport

/// `mailconf serve --acme-directory` against the lab's pebble, which really checks each
/// challenge by connecting to serve (names under acme.test resolve to 127.0.0.1 through
/// the lab's dnsmasq; pebble connects to PEBBLE_HTTP_PORT for HTTP-01 and to
/// PEBBLE_TLS_PORT for TLS-ALPN-01, so serve listens there). Each test uses domains of
/// its own: pebble reuses no authorization, so every order is checked again.
@Suite(.serialized, .needs(.labPebble, .openssl))
struct ServeGetsCertificatesByACME {
    let lab: LabServers
    let cli = CLI()

    init() throws { lab = try #require(LabServers.current) }

    var httpPort: Int { lab.port(.pebbleHTTP) }
    var tlsPort: Int { lab.port(.pebbleTLS) }
    var pebbleRoot: String { lab.pebbleRoot }
    var storage: String { cli.dir.appendingPathComponent("acme").path }

    func acme(_ extra: [String] = []) -> [String] {
        ["--acme-directory", lab.pebbleDirectory ?? "", "--acme-email", "admin@acme.test", "--acme-ca-file", lab.caFile,
         "--acme-storage", storage, "--no-access-log"] + extra
    }

    func add(_ domain: String) async throws {
        let r = try await cli.run(["domains", "add", domain, "--provider", "fastmail"])
        #expect(r.status == 0, "\(r.err)")
    }

    /// The certificate serve presents for `name`, checked against pebble's root by openssl:
    /// (verified, serial, subject alternative names).
    func presented(_ name: String, alpn: String? = nil) async throws -> (verified: Bool, serial: String, names: String) {
        let script = """
        echo | openssl s_client -connect 127.0.0.1:\(tlsPort) \(alpn.map { "-alpn \($0)" } ?? "") -servername \(name) -verify_hostname \(name) -CAfile "\(pebbleRoot)" 2>/dev/null > "$1.out"
        grep -q 'Verify return code: 0 (ok)' "$1.out" && echo verified
        openssl x509 -in "$1.out" -noout -serial -ext subjectAltName 2>/dev/null
        """
        let scratch = cli.dir.appendingPathComponent("presented-\(UUID())").path
        let r = try await offThePool { try Tool.run("/bin/sh", ["-c", script, "sh", scratch]) }
        let serial = r.stdout.split(separator: "\n").first { $0.hasPrefix("serial=") }.map { String($0.dropFirst(7)) } ?? ""
        return (r.stdout.contains("verified"), serial, r.stdout)
    }

    /// The autoconfig answer over https, verified against pebble's root by curl.
    func autoconfig(_ domain: String) async throws -> Tool.Result {
        try await offThePool {
            try Tool.run("curl", ["-sS", "--max-time", "10", "--cacert", pebbleRoot, "--resolve", "autoconfig.\(domain):\(tlsPort):127.0.0.1",
                                  "https://autoconfig.\(domain):\(tlsPort)/mail/config-v1.1.xml?emailaddress=alice@\(domain)"])
        }
    }

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    @Test func aFirstCertificateByHTTP01IsServedAndStoredPrivately() async throws {
        defer { cli.cleanUp() }
        try await add("first.acme.test")
        let server = try await ServeProcess.start(cli, arguments: acme(["--http-port", String(httpPort), "--sign-profiles"]), port: tlsPort)
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }
        #expect(await server.waitForLog("ua-auto-config.first.acme.test obtained", seconds: 60), "\(server.log)")
        #expect(server.log.contains("https://"))

        // The Apple profile is signed with the domain's ACME certificate, and verifies.
        let profile = cli.dir.appendingPathComponent("first.mobileconfig").path
        let signed = try await offThePool {
            try Tool.run("/bin/sh", ["-c", """
            curl -sS --max-time 10 --cacert "$1" --resolve autoconfig.first.acme.test:$2:127.0.0.1 \
                "https://autoconfig.first.acme.test:$2/email.mobileconfig?emailaddress=alice@first.acme.test" -o "$3" &&
            openssl cms -verify -inform DER -in "$3" -CAfile "$1" -purpose any -out /dev/null 2>&1 &&
            openssl cms -cmsout -print -inform DER -in "$3" | grep -m1 -o 'CN=autoconfig.first.acme.test'
            """, "sh", pebbleRoot, String(tlsPort), profile])
        }
        #expect(signed.status == 0 && signed.stdout.contains("Verification successful") && signed.stdout.contains("CN=autoconfig.first.acme.test"),
                "\(signed.stdout)\(signed.stderr)")

        let answer = try await autoconfig("first.acme.test")
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(answer.stdout.contains("imap.fastmail.com"))
        let cert = try await presented("autodiscover.first.acme.test")
        #expect(cert.verified, "\(cert.names)")
        #expect(cert.names.contains("DNS:autoconfig.first.acme.test") && cert.names.contains("DNS:autodiscover.first.acme.test")
                && cert.names.contains("DNS:ua-auto-config.first.acme.test"))

        // The account key and the certificate's key: 0600, in a folder of the CA's, 0700.
        let folders = try FileManager.default.contentsOfDirectory(atPath: storage)
        #expect(folders.count == 1)
        let folder = (storage as NSString).appendingPathComponent(folders.first ?? "")
        #expect(mode(folder) == 0o700)
        for file in ["account.key", "account.url", "first.acme.test.key", "first.acme.test.crt"] {
            #expect(mode((folder as NSString).appendingPathComponent(file)) == 0o600, "\(file)")
        }
        let key = try String(contentsOfFile: (folder as NSString).appendingPathComponent("first.acme.test.key"), encoding: .utf8)
        let body = key.split(separator: "\n").dropFirst().first.map(String.init) ?? "-"
        #expect(!server.log.contains(body), "no key material in the log")
    }

    @Test func tlsALPN01IsAnsweredOnTheHTTPSListener() async throws {
        defer { cli.cleanUp() }
        try await add("alpn.acme.test")
        // No plain-HTTP listener: pebble can only check by TLS-ALPN-01.
        let server = try await ServeProcess.start(cli, arguments: acme(), port: tlsPort)
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }
        #expect(server.log.contains("challenges tls-alpn-01"))
        #expect(await server.waitForLog("ua-auto-config.alpn.acme.test obtained", seconds: 60), "\(server.log)")
        let cert = try await presented("autoconfig.alpn.acme.test")
        #expect(cert.verified, "\(cert.names)")
        // With no challenge pending, a client offering only acme-tls/1 gets the served
        // certificate, not a self-signed challenge one.
        let probe = try await presented("autoconfig.alpn.acme.test", alpn: "acme-tls/1")
        #expect(probe.verified && probe.serial == cert.serial, "\(probe.names)")
    }

    @Test func aRenewalIsSwappedInWithoutARestart() async throws {
        defer { cli.cleanUp() }
        try await add("renew.acme.test")
        let server = try await ServeProcess.start(cli, arguments: acme(["--http-port", String(httpPort), "--acme-renew-after", "4"]),
                                                  port: tlsPort)
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }
        #expect(await server.waitForLog("ua-auto-config.renew.acme.test obtained", seconds: 60), "\(server.log)")
        let first = try await presented("autoconfig.renew.acme.test")
        #expect(first.verified && !first.serial.isEmpty)
        #expect(await server.waitForLog("ua-auto-config.renew.acme.test renewed", seconds: 60), "\(server.log)")
        let second = try await presented("autoconfig.renew.acme.test")
        #expect(second.verified)
        #expect(!second.serial.isEmpty && second.serial != first.serial, "the same process now serves the renewed certificate")
        #expect(server.process.isRunning)
    }

    @Test func aFailedChallengeIsReportedAndTheOldCertificateStaysServed() async throws {
        defer { cli.cleanUp() }
        try await add("keep.acme.test")
        let first = try await ServeProcess.start(cli, arguments: acme(["--http-port", String(httpPort)]), port: tlsPort)
        #expect(await first.waitForLog("ua-auto-config.keep.acme.test obtained", seconds: 60), "\(first.log)")
        let obtained = try await presented("autoconfig.keep.acme.test")
        first.signal(SIGTERM)
        _ = try await offThePool { first.exitStatus(within: 10) }

        // Again on the same storage, due for renewal at once, but with the plain-HTTP
        // listener where pebble does not look: the challenge fails.
        let elsewhere = httpPort + 1000
        let second = try await ServeProcess.start(
            cli, arguments: acme(["--http-port", String(elsewhere), "--acme-challenge", "http-01", "--acme-renew-after", "1"]), port: tlsPort)
        defer { second.signal(SIGTERM); _ = second.exitStatus(within: 10) }
        #expect(await second.waitForLog("loaded from", seconds: 10), "\(second.log)")
        #expect(await second.waitForLog("renewing the certificate for autoconfig.keep.acme.test, autodiscover.keep.acme.test, ua-auto-config.keep.acme.test failed", seconds: 60),
                "\(second.log)")
        let log = second.log
        #expect(log.contains("acme-challenge-failed"))
        #expect(log.contains("urn:ietf:params:acme:error:"), "the CA's problem type")
        #expect(log.contains("still serving the certificate"))
        #expect(log.contains("next attempt at"))
        let served = try await presented("autoconfig.keep.acme.test")
        #expect(served.verified && served.serial == obtained.serial, "the old certificate is still served")
    }

    @Test func aDomainAddedWhileServingGetsItsCertificateWithinAMinute() async throws {
        defer { cli.cleanUp() }
        try await add("early.acme.test")
        let server = try await ServeProcess.start(cli, arguments: acme(["--http-port", String(httpPort)]), port: tlsPort)
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }
        #expect(await server.waitForLog("ua-auto-config.early.acme.test obtained", seconds: 60), "\(server.log)")
        let added = Date()
        try await add("late.acme.test")
        #expect(await server.waitForLog("ua-auto-config.late.acme.test obtained", seconds: 60), "\(server.log)")
        #expect(Date().timeIntervalSince(added) < 60)
        let late = try await presented("autodiscover.late.acme.test")
        #expect(late.verified, "\(late.names)")
        let early = try await presented("autoconfig.early.acme.test")
        #expect(early.verified && early.names.contains("early.acme.test") && !early.names.contains("late.acme.test"),
                "one certificate per domain")
    }

    @Test func badACMEOptionsAreRefusedWithWhatToDo() async throws {
        defer { cli.cleanUp() }
        let plain = try await cli.run(["serve", "--acme-directory", "http://127.0.0.1/dir", "--acme-email", "a@b.test"])
        #expect(plain.status != 0 && plain.err.contains("https://"))
        let noMail = try await cli.run(["serve", "--acme-directory", "https://127.0.0.1/dir"])
        #expect(noMail.status != 0 && noMail.err.contains("--acme-email"))
        let http01 = try await cli.run(["serve", "--acme-directory", "https://127.0.0.1/dir", "--acme-email", "a@b.test",
                                        "--acme-challenge", "http-01"])
        #expect(http01.status != 0 && http01.err.contains("--http-port"))
        let stray = try await cli.run(["serve", "--acme-email", "a@b.test"])
        #expect(stray.status != 0 && stray.err.contains("--acme-directory"))
    }
}
