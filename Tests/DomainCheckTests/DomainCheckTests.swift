import Catalog
import DNSClient
@testable import DomainCheck
import MailSettings
import Testing
import WebFetch

/// The parts of `domains check` that need no network: which SRV record each catalog
/// server calls for, the zone-file lines, and where two answers part.
@Suite struct DomainCheckParts {
    static let presets = ((try? Presets.load()) ?? []).map(\.provider)

    func check(_ providerID: String, server: String? = nil) throws -> DomainCheck {
        let provider = try #require(Self.presets.first { $0.id == providerID })
        return DomainCheck(domain: "Example.ORG", provider: provider, server: server,
                           dns: DNSResolver(server: "127.0.0.1", port: 9), fetch: HTTPFetch())
    }

    @Test func eachSRVNameIsTheCatalogsServerOfThatKind() throws {
        let fastmail = try check("fastmail")
        #expect(fastmail.domain == "example.org")
        #expect(fastmail.expected(.smtp, implicitTLS: true)! == ("smtp.fastmail.com", 465))
        #expect(fastmail.expected(.smtp, implicitTLS: false)! == ("smtp.fastmail.com", 587))
        #expect(fastmail.expected(.imap, implicitTLS: true)! == ("imap.fastmail.com", 993))
        #expect(fastmail.expected(.pop3, implicitTLS: true)! == ("pop.fastmail.com", 995))
        // Fastmail has no plaintext-first IMAP or POP3 port: those names should be absent.
        #expect(fastmail.expected(.imap, implicitTLS: false) == nil)
        #expect(fastmail.expected(.pop3, implicitTLS: false) == nil)
    }

    @Test func hostTemplatesAreFilledInForTheDomain() throws {
        let templated = try Provider(id: "own", displayName: "Own", kind: .mailbox, domains: ["example.org"], servers: [
            ServerSetting(protocol: .smtp, hostname: try Hostname("smtp.%EMAILDOMAIN%"), port: 587, security: .starttls,
                          authentication: [.passwordCleartext]),
        ])
        let c = DomainCheck(domain: "example.org", provider: templated, server: nil, dns: DNSResolver(server: "127.0.0.1"), fetch: HTTPFetch())
        #expect(c.expected(.smtp, implicitTLS: false)! == ("smtp.example.org", 587))
        #expect(c.expected(.smtp, implicitTLS: true) == nil)
    }

    @Test func zoneLinesAreAbsoluteAndOfTheRightType() {
        #expect(ZoneLine.pointer("autoconfig.example.org", to: "mail.example.net") == "autoconfig.example.org. 3600 IN CNAME mail.example.net.")
        #expect(ZoneLine.pointer("autoconfig.example.org", to: "192.0.2.7") == "autoconfig.example.org. 3600 IN A 192.0.2.7")
        #expect(ZoneLine.pointer("autoconfig.example.org", to: "2001:db8::7") == "autoconfig.example.org. 3600 IN AAAA 2001:db8::7")
        #expect(ZoneLine.srv("_imaps._tcp.example.org", port: 993, target: "imap.example.net.")
                == "_imaps._tcp.example.org. 3600 IN SRV 0 1 993 imap.example.net.")
    }

    @Test func theFirstDifferenceIsNamedByLine() {
        let wanted = Array("<a>\n  <b>x</b>\n</a>\n".utf8)
        #expect(DomainCheck.firstDifference(Array("<a>\n  <b>y</b>\n</a>\n".utf8), wanted)
                == "line 2 is '<b>y</b>', the catalog's is '<b>x</b>'")
        #expect(DomainCheck.firstDifference(Array("<a>\n".utf8), wanted).hasPrefix("line 2 is ''"))
        // Control characters from the server are not echoed.
        #expect(!DomainCheck.firstDifference(Array("\u{1B}[2J\n".utf8), wanted).contains("\u{1B}"))
    }
}
