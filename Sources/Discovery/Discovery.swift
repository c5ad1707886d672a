import Catalog
import Foundation
import MailSettings

/// Finds settings for an address the way mail clients do, from every source at once.
public struct Discovery: Sendable {
    public let options: DiscoveryOptions
    let catalog: Catalog?

    public init(options: DiscoveryOptions, catalog: Catalog?) {
        self.options = options
        self.catalog = catalog
    }

    var context: DiscoveryContext { DiscoveryContext(options: options, catalog: catalog) }

    /// The sources the options ask for, in the order they are listed.
    var sources: [any DiscoverySource] {
        var sources: [any DiscoverySource] = [CatalogSource(), AutoconfigSource.autoconfig, AutoconfigSource.wellKnown]
        if options.allowHTTP { sources.append(AutoconfigSource.autoconfigHTTP) }
        if let base = options.ispdbBase { sources.append(ISPDBSource(base: base)) }
        sources.append(MXSource())
        sources.append(SRVSource())
        if options.guess { sources.append(GuessSource()) }
        return sources
    }

    public func discover(_ address: EmailAddress) async -> DiscoveryResult {
        let started = Date()
        let domain = address.domain
        let context = self.context
        var all: [SourceAnswer] = []
        if options.sequential {
            for source in sources { all += await source.answers(for: address, in: context) }
        } else {
            all = await withTaskGroup(of: [SourceAnswer].self) { group in
                for source in sources { group.addTask { await source.answers(for: address, in: context) } }
                var out: [SourceAnswer] = []
                for await a in group { out += a }
                return out
            }
        }
        let sourcesDone = Date().timeIntervalSince(started)
        let sorted = all.sorted { $0.outcome.source.listed < $1.outcome.source.listed }
        var candidates = Ranking.rank(sorted)
        if options.verify { candidates = await context.verify(candidates, address: address) }
        return DiscoveryResult(address: address.description, domain: domain, sources: sorted.map(\.outcome),
                               candidates: candidates, provider: Self.provider(from: candidates, domain: domain),
                               sourcesSeconds: sourcesDone, totalSeconds: Date().timeIntervalSince(started))
    }
}
