import Catalog
import Hummingbird
import HummingbirdTLS
import HummingbirdTesting
import NIOSSL
import WebFetch
import DNSClient
import Foundation
import MailSettings
import Testing
import TestSupport
@testable import Deliverability

let lab = LabServers.current
let sendgrid: Provider = try! #require(try Presets.load().first { $0.provider.id == "sendgrid" }).provider

func report(_ domain: String, provider: Provider? = sendgrid, selectors: [String] = []) async throws -> DeliverabilityReport {
    let l = try #require(lab)
    let dns = DNSResolver(server: "127.0.0.1", port: UInt16(l.port(.dns)), timeout: 3)
    return await DeliverabilityCheck(dns: dns).check(domain: domain, provider: provider, dkimSelectors: selectors)
}

extension DeliverabilityReport {
    func status(_ id: String) -> Check.Status? { checks.first { $0.id == id }?.status }
    func check(_ id: String) -> Check? { checks.first { $0.id == id } }
}

/// The test zones (scripts/dns-zones/deliverability.conf) served by the lab's dnsmasq.
@Suite(.needs(.lab))
struct Zones {
    @Test func aCorrectSendGridSetUp() async throws {
        let r = try await report("good.test")
        for id in ["spf-valid", "spf-include", "dkim-s1", "dkim-s2", "dmarc-present", "bulk-senders", "mx", "dmarc-alignment"] {
            #expect(r.status(id) == .pass, "\(id): \(r.check(id)?.message ?? "missing")")
        }
        #expect(r.worst != .fail)
        #expect(r.spf?.lookups == 1 && r.spf?.voidLookups == 0)
        #expect(r.dmarc?.policy == "quarantine")
    }

    /// A correct set-up for each relay kind: an include and a TXT key (Mailgun), a key and
    /// a Return-Path CNAME (Postmark), three Easy DKIM CNAMEs (Amazon SES).
    @Test(arguments: [
        ("mailgun.test", "mailgun-us", ["krs"], ["spf-valid", "spf-include", "dkim-krs", "dmarc-present", "bulk-senders"]),
        ("postmark.test", "postmark", ["20240101pm"], ["spf-valid", "dkim-20240101pm", "return-path", "dmarc-present", "bulk-senders"]),
        ("ses.test", "amazon-ses-us-east-1", ["tok1abc", "tok2def", "tok3ghi"],
         ["spf-valid", "dkim-tok1abc", "dkim-tok2def", "dkim-tok3ghi", "dmarc-present", "bulk-senders"]),
        ("mandrill.test", "mandrill", [], ["spf-valid", "spf-include", "dkim-mte1", "dkim-mte2", "dmarc-present", "bulk-senders"]),
        ("brevo.test", "brevo", ["mail"], ["spf-valid", "spf-include", "dkim-mail", "dmarc-present", "bulk-senders"]),
        ("mailjet.test", "mailjet", [], ["spf-valid", "spf-include", "dkim-mailjet", "dmarc-present", "bulk-senders"]),
        ("sparkpost.test", "sparkpost-us", ["scph0124"], ["spf-valid", "spf-include", "dkim-scph0124", "dmarc-present", "bulk-senders"]),
    ])
    func aCorrectSetUpPerRelay(_ domain: String, _ relay: String, _ selectors: [String], _ passing: [String]) async throws {
        let provider = try #require(try Presets.load().first { $0.provider.id == relay }).provider
        let r = try await report(domain, provider: provider, selectors: selectors)
        for id in passing { #expect(r.status(id) == .pass, "\(domain) \(id): \(r.check(id)?.message ?? "missing")") }
        #expect(r.worst != .fail, "\(r.checks.filter { $0.status == .fail }.map(\.message))")
        // Without the selectors, account-specific keys cannot be checked: say so.
        if !selectors.isEmpty {
            let blind = try await report(domain, provider: provider)
            #expect(blind.status("dkim-selector") == .warn)
            // DKIM unknown is not DKIM in place.
            #expect(blind.status("bulk-senders") == .warn)
        }
    }

    @Test func aMissingIncludeSaysWhichRecordToWrite() async throws {
        let r = try await report("missinginclude.test")
        let c = try #require(r.check("spf-include"))
        #expect(c.status != .pass)
        let record = try #require(c.record)
        #expect(record.hasPrefix("missinginclude.test. TXT \"v=spf1"))
        #expect(record.contains("include:sendgrid.net"))
        // The include goes before the all, so the record stays valid.
        let spf = record.split(separator: "\"")[1]
        #expect(spf.split(separator: " ").last?.hasSuffix("all") == true)
    }

    @Test func twoSPFRecordsAreAPermerror() async throws {
        let r = try await report("twospf.test")
        #expect(r.status("spf-valid") == .fail)
        #expect(r.check("spf-valid")?.message.contains("section 4.5") == true)
        #expect(r.check("spf-include") == nil)   // nothing to say about an include in a broken record
    }

    @Test func elevenLookupsThroughNestedIncludes() async throws {
        let r = try await report("toomany.test")
        #expect(r.status("spf-valid") == .fail)
        #expect(r.spf?.lookups == 11)
        #expect(r.check("spf-valid")?.message.contains("more than 10 DNS lookups") == true)
    }

    @Test func voidLookupsAreCountedToTheLimit() async throws {
        let r = try await report("voidloop.test")
        #expect(r.status("spf-valid") == .fail)
        #expect(r.spf?.voidLookups == 3)
        #expect(r.check("spf-valid")?.message.contains("more than 2 void lookups") == true)
    }

    @Test func plusAllFails() async throws {
        let r = try await report("plusall.test")
        #expect(r.status("spf-all") == .fail)
        #expect(r.check("spf-all")?.record?.contains("~all") == true)
    }

    @Test func aWeakDKIMKeyFails() async throws {
        let r = try await report("weakdkim.test", provider: nil, selectors: ["sel"])
        let c = try #require(r.check("dkim-sel"))
        #expect(c.status == .fail)
        #expect(c.message.contains("512-bit"))
    }

    @Test func dmarcMissingOrMalformed() async throws {
        let missing = try await report("nodmarc.test")
        #expect(missing.status("dmarc-present") == .fail)
        #expect(missing.check("dmarc-present")?.record == "_dmarc.nodmarc.test. TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.test\"")
        #expect(missing.status("bulk-senders") == .fail)
        let bad = try await report("baddmarc.test")
        #expect(bad.status("dmarc-valid") == .fail)
        #expect(bad.check("dmarc-valid")?.message.contains("p=maybe") == true)
    }

    @Test func answersAreAskedOnce() async throws {
        let r = try await report("good.test")
        // SPF, the include, two DKIM CNAMEs, DMARC, MX, MTA-STS, TLS-RPT: each name asked once.
        #expect(r.queries <= 9, "\(r.queries) queries")
    }
}

/// The same zones through checkdmarc (PyPI), the peer: SPF and DMARC verdicts and SPF's
/// lookup counts must agree.
@Suite(.needs(.lab, .checkdmarc))
struct AgainstCheckdmarc {
    static let zones = ["good.test", "missinginclude.test", "twospf.test", "toomany.test", "voidloop.test",
                        "weakdkim.test", "nodmarc.test", "baddmarc.test", "plusall.test", "tenlookups.test",
                        "mailgun.test", "postmark.test", "ses.test", "mandrill.test", "brevo.test", "mailjet.test", "sparkpost.test"]

    @Test func spfAndDMARCVerdictsAgree() async throws {
        let l = try #require(lab)
        let script = repositoryRoot.appendingPathComponent("scripts/checkdmarc-peer.sh").path
        let run = try Tool.run("/bin/bash", [script, "127.0.0.1:\(l.port(.dns))"] + Self.zones)
        #expect(run.status == 0, "\(run.stderr)")
        let peer = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(peer.count == Self.zones.count)
        for (zone, theirs) in zip(Self.zones, peer) {
            let ours = try await report(zone)
            let spf = try #require(theirs["spf"] as? [String: Any])
            let dmarc = try #require(theirs["dmarc"] as? [String: Any])
            let ourSPF = ours.spf?.record != nil && ours.spf?.errors.isEmpty == true
            #expect(ourSPF == (spf["valid"] as? Bool), "\(zone) SPF: ours \(ours.spf?.errors ?? []), checkdmarc \(spf["error"] ?? "valid")")
            if let lookups = spf["dns_lookups"] as? Int { #expect(ours.spf?.lookups == lookups, "\(zone) lookups") }
            if let voids = spf["void_dns_lookups"] as? Int { #expect(ours.spf?.voidLookups == voids, "\(zone) void lookups") }
            // checkdmarc follows the DMARC revision (RFC 9989), which drops pct, ri and rf and
            // no longer requires p=; none of these zones depends on that difference, where
            // mailconf keeps to RFC 7489 section 6.3 (p= is REQUIRED).
            let ourDMARC = ours.dmarc != nil && ours.dmarc?.errors.isEmpty == true
            #expect(ourDMARC == (dmarc["valid"] as? Bool), "\(zone) DMARC: ours \(ours.dmarc?.errors ?? []), checkdmarc \(dmarc["error"] ?? "valid")")
        }
    }
}

/// MTA-STS: the policy file fetched over https from a test server for mta-sts.sts.test.
@Suite(.needs(.lab, .openssl))
struct MTASTSPolicy {
    /// Made once for the suite: key generation is the costly part.
    static let certificate: (folder: TemporaryFolder, cert: String, key: String)? = {
        let folder = TemporaryFolder()
        let cert = folder.url.appendingPathComponent("cert.pem").path, key = folder.url.appendingPathComponent("key.pem").path
        let made = try? Tool.run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                                            "-subj", "/CN=mta-sts.sts.test", "-addext", "subjectAltName=DNS:mta-sts.sts.test"])
        return made?.status == 0 ? (folder, cert, key) : nil
    }()

    func check(policy: String?) async throws -> Check {
        let l = try #require(lab)
        let (_, cert, key) = try #require(Self.certificate)
        let router = Router()
        if let policy {
            router.get("/.well-known/mta-sts.txt") { _, _ in policy }
        }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }, privateKey: .file(key))
        let app = Application(router: router, server: try .tls(.http1(), tlsConfiguration: tls),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            let port = try #require(client.port)
            let dns = DNSResolver(server: "127.0.0.1", port: UInt16(l.port(.dns)), timeout: 3)
            let fetch = HTTPFetch(overrides: ["mta-sts.sts.test:443": ("127.0.0.1", port)], caFile: cert, timeout: 3)
            let r = await DeliverabilityCheck(dns: dns, fetch: fetch).check(domain: "sts.test", provider: sendgrid)
            #expect(r.status("tls-rpt") == .pass)
            return try #require(r.check("mta-sts"))
        }
    }

    @Test func anEnforcedPolicyCoveringTheMX() async throws {
        let c = try await check(policy: "version: STSv1\r\nmode: enforce\r\nmx: *.good.test\r\nmax_age: 604800\r\n")
        #expect(c.status == .pass, "\(c.message)")
    }

    @Test func testingModeWarns() async throws {
        let c = try await check(policy: "version: STSv1\nmode: testing\nmx: mx.good.test\nmax_age: 86400\n")
        #expect(c.status == .warn)
    }

    @Test func aPolicyThatMissesTheMXFails() async throws {
        let c = try await check(policy: "version: STSv1\nmode: enforce\nmx: mail.elsewhere.test\nmax_age: 86400\n")
        #expect(c.status == .fail)
        #expect(c.message.contains("mx.good.test"))
    }

    @Test func aMissingPolicyFileFails() async throws {
        let c = try await check(policy: nil)
        #expect(c.status == .fail)
        #expect(c.message.contains("HTTP 404"))
    }
}
