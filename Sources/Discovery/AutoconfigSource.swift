import Foundation
import MailSettings

/// A domain's own autoconfig file, at the URLs Thunderbird asks: on the autoconfig host
/// and under the domain's `.well-known` over https, and (only with allowHTTP) on the
/// autoconfig host over plain http, whose answer anyone on the path could have changed.
struct AutoconfigSource: DiscoverySource {
    enum Place: Sendable {
        /// `autoconfig.DOMAIN/mail/config-v1.1.xml`
        case autoconfigHost
        /// `DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml`
        case wellKnown
    }

    let id: SourceID
    let place: Place
    /// Plain http instead of https.
    let insecure: Bool

    static let autoconfig = AutoconfigSource(id: .autoconfig, place: .autoconfigHost, insecure: false)
    static let wellKnown = AutoconfigSource(id: .wellKnown, place: .wellKnown, insecure: false)
    static let autoconfigHTTP = AutoconfigSource(id: .autoconfigHTTP, place: .autoconfigHost, insecure: true)

    /// The file's name in either place.
    static let file = "mail/config-v1.1.xml"

    /// The URL without the query: what the listing says was asked.
    func url(for domain: String) -> String {
        let scheme = insecure ? "http" : "https"
        switch place {
        case .autoconfigHost: return "\(scheme)://autoconfig.\(domain)/\(Self.file)"
        case .wellKnown: return "\(scheme)://\(domain)/.well-known/autoconfig/\(Self.file)"
        }
    }

    /// The URL fetched: the address goes along, as Thunderbird sends it, so that a
    /// server can answer per user.
    func url(for address: EmailAddress) -> String {
        "\(url(for: address.domain))?emailaddress=\(Self.queryEscaped(address.description))"
    }

    func answers(for address: EmailAddress, in context: DiscoveryContext) async -> [SourceAnswer] {
        let domain = address.domain
        return [await context.timed(id, asked: url(for: domain), insecure: insecure) {
            try await context.clientConfig(at: url(for: address), domain: domain)
        }]
    }

    static func queryEscaped(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}
