import Foundation
import Testing
import TestSupport
@testable import Deliverability

struct SPFParsing {
    @Test func goodRecordsParse() throws {
        let terms = try SPFParser.parse("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:sendgrid.net a mx:mail.example.org/24 ~all").get()
        #expect(terms.count == 6)
        #expect(terms.last == .mechanism(qualifier: "~", name: "all", value: nil))
        #expect(try SPFParser.parse("v=spf1 redirect=_spf.example.org").get() == [.modifier(name: "redirect", value: "_spf.example.org")])
    }

    @Test(arguments: [
        ("v=spf1 include -all", "term 1 'include': include needs a domain"),
        ("v=spf1 ip4:999.1.1.1 -all", "term 1 'ip4:999.1.1.1'"),
        ("v=spf1 ip6:192.0.2.1 -all", "is not an IPv6 address"),
        ("v=spf1 a mx foo:bar -all", "term 3 'foo:bar': unknown mechanism 'foo'"),
        ("v=spf1 -all:x", "all takes no value"),
        ("spf1 -all", "does not start with v=spf1"),
    ])
    func syntaxErrorsAreLocated(_ record: String, _ expected: String) {
        guard case .failure(let why) = SPFParser.parse(record) else {
            Issue.record("\(record) parsed")
            return
        }
        #expect(why.message.contains(expected), "\(why.message)")
    }

    @Test func includesAreInsertedBeforeAll() {
        #expect(DeliverabilityCheck.insertInclude("v=spf1 mx -all", "sendgrid.net") == "v=spf1 mx include:sendgrid.net -all")
        #expect(DeliverabilityCheck.insertInclude("v=spf1 mx", "mailgun.org") == "v=spf1 mx include:mailgun.org")
        #expect(DeliverabilityCheck.replaceAll("v=spf1 +all", with: "~all") == "v=spf1 ~all")
    }

    @Test func relayPatternsMatch() {
        #expect(DeliverabilityCheck.matches("s1.domainkey.u123.wl45.sendgrid.net.", pattern: "s1.domainkey.u{ID}.wl{N}.sendgrid.net"))
        #expect(!DeliverabilityCheck.matches("s1.domainkey.evil.example", pattern: "s1.domainkey.u{ID}.wl{N}.sendgrid.net"))
        #expect(DeliverabilityCheck.matches("pm.mtasv.net", pattern: "pm.mtasv.net"))
    }
}

struct DMARCParsing {
    @Test func tagsAreRead() {
        let d = DMARCRecord.parse("v=DMARC1; p=quarantine; sp=reject; pct=50; rua=mailto:a@example.org,mailto:b@example.org; adkim=s; aspf=r")
        #expect(d.errors.isEmpty)
        #expect(d.policy == "quarantine" && d.subdomainPolicy == "reject" && d.percent == 50)
        #expect(d.rua == ["mailto:a@example.org", "mailto:b@example.org"])
        #expect(d.adkim == "s" && d.aspf == "r")
    }

    @Test(arguments: ["v=DMARC1; p=maybe", "v=DMARC1", "p=reject; v=DMARC1", "v=DMARC1; p=none; pct=200", "v=DMARC1; p=none; rua=https://x.example", "v=DMARC1; p=none; adkim=x"])
    func malformedRecordsSayWhy(_ raw: String) {
        let d = DMARCRecord.parse(raw)
        #expect(!d.errors.isEmpty, "\(raw)")
    }
}

/// Key lengths read from real keys made by openssl.
@Suite(.enabled(if: Tool.path("openssl") != nil, Comment(rawValue: Tool.missing("openssl"))))
struct DKIMKeys {
    func publicKey(bits: Int) throws -> String {
        let dir = TemporaryFolder()
        let key = dir.url.appendingPathComponent("k.pem").path
        #expect(try Tool.run("openssl", ["genrsa", "-out", key, "\(bits)"]).status == 0)
        let pub = try Tool.run("openssl", ["rsa", "-in", key, "-pubout"])
        return pub.stdout.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    @Test(arguments: [512, 1024, 2048])
    func rsaLengths(_ bits: Int) throws {
        let key = DKIMKey("v=DKIM1; k=rsa; p=\(try publicKey(bits: bits))")
        #expect(key.rsaBits == bits)
    }

    @Test func revokedAndGarbageKeys() {
        #expect(DKIMKey("v=DKIM1; p=").publicKey == "")
        #expect(DKIMKey("v=DKIM1; p=bm90IGEga2V5").rsaBits == nil)
    }
}

/// MTA-STS `mx:` patterns (RFC 8461 section 4.1): pure matching, no lab.
struct MTASTSPatterns {
    @Test func aWildcardMatchesExactlyOneLeftmostLabel() {
        #expect(DeliverabilityCheck.stsMatches("mx1.example.org", "*.example.org"))
        #expect(!DeliverabilityCheck.stsMatches("a.mx1.example.org", "*.example.org"))
        #expect(!DeliverabilityCheck.stsMatches("example.org", "*.example.org"))
    }
}
