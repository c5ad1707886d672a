import Foundation
import MailSettings
import Testing
@testable import Discovery

/// What the JSON and the listing say: the source names, their order, and the URLs asked.
struct SourceNames {
    @Test func theNamesAndTheirOrderAreTheJSONs() throws {
        #expect(SourceID.allCases.map(\.rawValue)
            == ["catalog", "autoconfig", "well-known", "autoconfig-http", "ispdb", "mx-catalog", "mx-ispdb", "srv", "guess"])
        #expect("\(SourceID.wellKnown)" == "well-known")
        let outcome = SourceOutcome(source: .autoconfigHTTP, asked: "x", ok: false, message: "m", seconds: 0, found: 0)
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        #expect(json.contains(#""source":"autoconfig-http""#))
    }

    @Test func theAutoconfigURLs() throws {
        let alice = try EmailAddress("alice+x@example.org")
        #expect(AutoconfigSource.autoconfig.url(for: "example.org") == "https://autoconfig.example.org/mail/config-v1.1.xml")
        #expect(AutoconfigSource.wellKnown.url(for: "example.org") == "https://example.org/.well-known/autoconfig/mail/config-v1.1.xml")
        #expect(AutoconfigSource.autoconfigHTTP.url(for: "example.org") == "http://autoconfig.example.org/mail/config-v1.1.xml")
        #expect(AutoconfigSource.autoconfig.url(for: alice)
            == "https://autoconfig.example.org/mail/config-v1.1.xml?emailaddress=alice%2Bx%40example.org")
        #expect(AutoconfigSource.autoconfigHTTP.insecure && !AutoconfigSource.autoconfig.insecure && !AutoconfigSource.wellKnown.insecure)
        #expect(ISPDBSource(base: "https://autoconfig.thunderbird.net/v1.1/").url(for: "example.org")
            == "https://autoconfig.thunderbird.net/v1.1/example.org")
    }

    @Test func theMXHostsParentDomains() {
        #expect(MXSource.parents(of: "aspmx.l.google.com", excluding: "mxonly.test", suffixes: nil) == ["l.google.com", "google.com"])
        #expect(MXSource.parents(of: "mx.example.org", excluding: "example.org", suffixes: nil) == [])
        #expect(MXSource.parents(of: "example.org", excluding: "a.test", suffixes: nil) == [])
        #expect(MXSource.parents(of: "localhost", excluding: "a.test", suffixes: nil) == [])
    }

    @Test func theSourcesTheOptionsAskFor() {
        var options = DiscoveryOptions(ispdbBase: nil, guess: false)
        func names(_ o: DiscoveryOptions) -> [String] {
            Discovery(options: o, catalog: nil).sources.map { ($0 as? AutoconfigSource)?.id.rawValue ?? "\(type(of: $0))" }
        }
        #expect(names(options) == ["CatalogSource", "autoconfig", "well-known", "MXSource", "SRVSource"])
        options.allowHTTP = true
        options.ispdbBase = "https://ispdb.example/"
        options.guess = true
        #expect(names(options) == ["CatalogSource", "autoconfig", "well-known", "autoconfig-http", "ISPDBSource",
                                   "MXSource", "SRVSource", "GuessSource"])
    }
}
