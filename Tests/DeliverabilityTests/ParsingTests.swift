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
        #expect(SPFRule.insertInclude("v=spf1 mx -all", "sendgrid.net") == "v=spf1 mx include:sendgrid.net -all")
        #expect(SPFRule.insertInclude("v=spf1 mx", "mailgun.org") == "v=spf1 mx include:mailgun.org")
        #expect(SPFRule.replaceAll("v=spf1 +all", with: "~all") == "v=spf1 ~all")
    }

    @Test func relayPatternsMatch() {
        #expect(RelayPattern.matches("s1.domainkey.u123.wl45.sendgrid.net.", pattern: "s1.domainkey.u{ID}.wl{N}.sendgrid.net"))
        #expect(!RelayPattern.matches("s1.domainkey.evil.example", pattern: "s1.domainkey.u{ID}.wl{N}.sendgrid.net"))
        #expect(RelayPattern.matches("pm.mtasv.net", pattern: "pm.mtasv.net"))
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

/// The tag-list syntax DKIM keys and DMARC records share (RFC 6376 section 3.2).
struct TagValueLists {
    typealias Tag = TagValueList.Tag

    @Test func tagsAreSplitAndTrimmed() {
        #expect(TagValueList(" v = DKIM1 ;\tk=rsa;p=MIIB ").tags == [
            Tag(text: "v = DKIM1", name: "v", value: "DKIM1"),
            Tag(text: "k=rsa", name: "k", value: "rsa"),
            Tag(text: "p=MIIB", name: "p", value: "MIIB"),
        ])
    }

    @Test func emptyValuesStayEmpty() {
        #expect(TagValueList("p=; t = ").tags == [Tag(text: "p=", name: "p", value: ""), Tag(text: "t =", name: "t", value: "")])
    }

    @Test func emptyPiecesAreNoTags() {
        #expect(TagValueList("v=DMARC1; p=none;").tags.map(\.name) == ["v", "p"])
        #expect(TagValueList("v=DMARC1;; ; p=none").tags.map(\.name) == ["v", "p"])
        #expect(TagValueList("").tags.isEmpty)
        #expect(TagValueList(" ; ").tags.isEmpty)
    }

    @Test func repeatsAreKeptInOrder() {
        #expect(TagValueList("p=none; p=reject").tags.map(\.value) == ["none", "reject"])
    }

    @Test func aPieceWithoutEqualsIsKeptWithoutAValue() {
        #expect(TagValueList("v=DMARC1; reject").tags.last == Tag(text: "reject", name: "reject", value: nil))
    }

    @Test func onlyTheFirstEqualsSplits() {
        #expect(TagValueList("p=MIIB==").tags == [Tag(text: "p=MIIB==", name: "p", value: "MIIB==")])
        #expect(TagValueList("=x").tags == [Tag(text: "=x", name: "", value: "x")])
    }

    @Test func namesAreAsWritten() {
        #expect(TagValueList("P=Reject").tags == [Tag(text: "P=Reject", name: "P", value: "Reject")])
    }

    /// What each reader makes of the same odd lists.
    @Test func theReadersKeepTheirOwnRules() {
        // A DKIM key: names lowercased, the last repeat counts, a stray word is skipped.
        let key = DKIMKey("v=DKIM1; K=ed25519; k=rsa; junk; p=abc;")
        #expect(key.tags == ["v": "DKIM1", "k": "rsa", "p": "abc"])
        // DMARC: the last repeat counts, and a trailing ';' is no tag.
        let d = DMARCRecord.parse("v=DMARC1; p=none; P=reject;")
        #expect(d.errors.isEmpty && d.policy == "reject")
        // DMARC names a stray word and a tag without a value.
        #expect(DMARCRecord.parse("v=DMARC1; p=none; reject").errors == ["'reject' is not a tag=value pair"])
        #expect(DMARCRecord.parse("v=DMARC1; p=none; rua=").errors == ["'rua=' is not a tag=value pair"])
        // v=DMARC1 comes first, spaces in it allowed.
        #expect(DMARCRecord.parse("v = DMARC1; p=none").errors.isEmpty)
        #expect(!DMARCRecord.parse("V=DMARC1; p=none").errors.isEmpty)
    }
}

/// Key lengths read from real keys made by openssl.
@Suite(.needs(.openssl))
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
        #expect(MTASTSPolicyFile.matches("mx1.example.org", "*.example.org"))
        #expect(!MTASTSPolicyFile.matches("a.mx1.example.org", "*.example.org"))
        #expect(!MTASTSPolicyFile.matches("example.org", "*.example.org"))
    }
}

/// The MTA-STS policy file's fields (RFC 8461 section 3.2), read apart from its fetch.
struct MTASTSPolicies {
    @Test func fieldsAreReadFromLFOrCRLFLinesCaseInsensitively() throws {
        let policy = try MTASTSPolicyFile.Policy.parse("version: STSv1\r\nMode: enforce\r\nmx: a.example.org\nmx: *.example.net\nmax_age:86400\r\n").get()
        #expect(policy == MTASTSPolicyFile.Policy(mode: "enforce", maxAge: 86400, mx: ["a.example.org", "*.example.net"]))
    }

    @Test(arguments: [
        ("mode: enforce\nmax_age: 1\n", "version: STSv1"),
        ("version: STSv1\nmode: strict\nmax_age: 1\n", "no mode"),
        ("version: STSv1\nmode: none\nmax_age: 31557601\n", "max_age"),
        ("version: STSv1\nmode: none\nmax_age: 99999999999999999999999\n", "max_age"),
        ("version: STSv1\nmode: none\n", "max_age"),
    ])
    func aPolicyWithoutItsRequiredFieldsNamesWhatIsMissing(body: String, says: String) {
        guard case .failure(let problem) = MTASTSPolicyFile.Policy.parse(body) else {
            Issue.record("\(body) was read as a policy")
            return
        }
        #expect(problem.message.contains(says), "\(problem.message)")
    }
}

/// SPF evaluated over a DNS table in memory (the cache's other source, as the fuzzer
/// uses it): the lookup limit and loops without a DNS server.
struct SPFOverATable {
    func evaluate(_ table: [String: [String]]) async -> (SPFResult, Int) {
        let cache = CachingResolver { name, type in
            type == .txt ? .success(table[name] ?? []) : .success([])
        }
        let result = await SPFEvaluator(dns: cache).evaluate("a.test")
        return (result, await cache.sent)
    }

    @Test func aRedirectLoopIsAPermerrorAndEnds() async {
        let (result, _) = await evaluate(["a.test": ["v=spf1 redirect=b.test"], "b.test": ["v=spf1 redirect=a.test"]])
        #expect(result.errors.contains { $0.contains("includes itself") }, "\(result.errors)")
    }

    @Test func theEleventhLookupStopsTheWalk() async {
        var table = ["a.test": ["v=spf1 include:i0.test -all"]]
        for i in 0..<20 { table["i\(i).test"] = ["v=spf1 include:i\(i + 1).test -all"] }
        let (result, sent) = await evaluate(table)
        #expect(result.lookups == 11)
        #expect(result.errors.contains { $0.hasPrefix("more than 10 DNS lookups") })
        #expect(sent == 11, "the record of a.test and ten includes are asked for, no more")
    }
}

/// The `_mta-sts` TXT record through the same tag-list parser (RFC 8461 section 3.1).
struct MTASTSRecords {
    @Test func onlyARecordWhoseFirstTagIsVersionSTSv1AnnouncesAPolicy() {
        #expect(MTASTSRule.announcesPolicy("v=STSv1; id=20261201T000000"))
        #expect(MTASTSRule.announcesPolicy(" v = STSv1 ;id=1;"))
        #expect(!MTASTSRule.announcesPolicy("v=STSv10; id=1"))
        #expect(!MTASTSRule.announcesPolicy("v=STSv1 id=1"))
        #expect(!MTASTSRule.announcesPolicy("id=1; v=STSv1"))
        #expect(!MTASTSRule.announcesPolicy(""))
    }
}
