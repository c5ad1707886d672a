import DNSClient
import Foundation
import MailSettings

/// The domain's mail exchanger: the MX host's parent domains (aspmx.l.google.com →
/// l.google.com, google.com) in the catalog, as a provider's mail domain or as its MX
/// domain (clientConfig 1.2 `<domain purpose="mx">`, which the MX host itself may also
/// be), then, when the catalog knows none of them, the last of them in the ISPDB. A
/// domain hosted elsewhere is often set up like its host.
/// The walk stops at the registrable domain, MXBASEDOMAIN in draft-ietf-mailmaint-autoconfig
/// (from the Public Suffix List): mx.example.co.uk leads to example.co.uk, never co.uk.
struct MXSource: DiscoverySource {
    func answers(for address: EmailAddress, in context: DiscoveryContext) async -> [SourceAnswer] {
        let domain = address.domain
        let t0 = Date()
        func failed(_ message: String) -> [SourceAnswer] {
            [SourceAnswer(outcome: SourceOutcome(source: .mxCatalog, asked: "MX \(domain)", ok: false, message: message,
                                                 seconds: Date().timeIntervalSince(t0), found: 0),
                          settings: [])]
        }
        let mx: [MXRecord]
        do { mx = try await context.options.dns.mx(domain) } catch { return failed("\(error)") }
        guard let best = mx.first, !best.exchange.isEmpty else { return failed("no MX records") }
        let suffixes = context.options.publicSuffixes
        let parents = Self.parents(of: best.exchange, excluding: domain, suffixes: suffixes)
        let note = suffixes.map { "parent domains down to the registrable domain, from the public suffix list \($0.path)" }
            ?? "no public suffix list at \(PublicSuffixList.expectedPath) (apt-get install publicsuffix): every parent domain down to the last two labels was asked"
        var settings: [ServerSetting] = []
        var hit = "none of \(parents.joined(separator: ", ")) is in the catalog"
        let exchange = best.exchange.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        for p in [exchange] + parents {
            if p != exchange {
                let s = CatalogSource.servers(for: p, in: context.catalog)
                if !s.isEmpty {
                    settings = s
                    hit = "MX \(best.exchange) → \(p) in the catalog"
                    break
                }
            }
            if let byMX = CatalogSource.provider(forMXDomain: p, in: context.catalog), !byMX.servers.isEmpty {
                settings = byMX.servers
                hit = "MX \(best.exchange) → \(p), the MX domain of \(byMX.id) in the catalog"
                break
            }
        }
        var answers = [SourceAnswer(outcome: SourceOutcome(source: .mxCatalog, asked: "MX \(domain) → \(best.exchange)",
                                                           ok: !settings.isEmpty, message: hit,
                                                           seconds: Date().timeIntervalSince(t0), found: settings.count,
                                                           note: note),
                                    settings: settings)]
        if settings.isEmpty, let base = context.options.ispdbBase, let parent = parents.last {
            answers.append(await ISPDBSource(base: base).answer(for: parent, as: .mxISPDB, in: context))
        }
        return answers
    }

    /// The host's parent domains, nearest first, down to its registrable domain (without
    /// a list: down to the last two labels), without the address's own domain (already
    /// asked by the catalog source).
    static func parents(of host: String, excluding domain: String, suffixes: PublicSuffixList?) -> [String] {
        let labels = host.lowercased().split(separator: ".")
        var lowest = max(1, labels.count - 1)
        if let suffixes {
            guard let base = suffixes.registrableDomain(of: host) else { return [] }
            lowest = labels.count - base.split(separator: ".").count + 1
        }
        guard lowest > 1 else { return [] }
        return (1..<lowest).map { labels[$0...].joined(separator: ".") }.filter { $0 != domain }
    }
}
