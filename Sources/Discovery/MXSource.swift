import DNSClient
import Foundation
import MailSettings

/// The domain's mail exchanger: the MX host's parent domains (aspmx.l.google.com →
/// l.google.com, google.com) in the catalog, then, when the catalog knows none of them,
/// the last of them in the ISPDB. A domain hosted elsewhere is often set up like its host.
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
        let parents = Self.parents(of: best.exchange, excluding: domain)
        var settings: [ServerSetting] = []
        var hit = "none of \(parents.joined(separator: ", ")) is in the catalog"
        for p in parents {
            let s = CatalogSource.servers(for: p, in: context.catalog)
            if !s.isEmpty {
                settings = s
                hit = "MX \(best.exchange) → \(p) in the catalog"
                break
            }
        }
        var answers = [SourceAnswer(outcome: SourceOutcome(source: .mxCatalog, asked: "MX \(domain) → \(best.exchange)",
                                                           ok: !settings.isEmpty, message: hit,
                                                           seconds: Date().timeIntervalSince(t0), found: settings.count),
                                    settings: settings)]
        if settings.isEmpty, let base = context.options.ispdbBase, let parent = parents.last {
            answers.append(await ISPDBSource(base: base).answer(for: parent, as: .mxISPDB, in: context))
        }
        return answers
    }

    /// The host's parent domains, nearest first, down to the last two labels, without
    /// the address's own domain (already asked by the catalog source).
    static func parents(of host: String, excluding domain: String) -> [String] {
        let labels = host.split(separator: ".")
        return (1..<max(1, labels.count - 1)).map { labels[$0...].joined(separator: ".") }.filter { $0 != domain }
    }
}
