import Catalog
import ClientExport
import Foundation
import Logging
import MailSettings
import Synchronization

/// What the service answers from: the catalog's providers by mail domain, and each
/// domain's Thunderbird file built once and kept until the catalog changes.
public final class SettingsStore: Sendable {
    struct Snapshot {
        var generation: Int
        /// Organisation domains (and, as a mirror, every known mail domain) → provider.
        var providers: [String: Provider]
        /// The organisation's own domains (those certificates are got for).
        var organisation: [String] = []
        /// Built on first request, per domain.
        var thunderbird: [String: CachedBody] = [:]
        /// The user-agent configuration JSON, likewise.
        var userAgent: [String: CachedBody] = [:]
    }

    let catalog: Catalog
    let configuration: ServiceConfiguration
    let logger: Logger
    private let state: Mutex<Snapshot>
    /// Since when the catalog cannot be read, if it cannot: logged once when it begins
    /// and once when it ends, while the answers come from the snapshot.
    private let outage = Mutex<ContinuousClock.Instant?>(nil)

    public init(catalog: Catalog, configuration: ServiceConfiguration, logger: Logger) throws(CatalogError) {
        self.catalog = catalog
        self.configuration = configuration
        self.logger = logger
        state = Mutex(try Self.load(catalog, configuration))
    }

    static func load(_ catalog: Catalog, _ configuration: ServiceConfiguration) throws(CatalogError) -> Snapshot {
        let generation = try catalog.generation()
        var providers: [String: Provider] = [:]
        let entries = try catalog.entries()
        let byID = Dictionary(entries.map { ($0.provider.id, $0) }, uniquingKeysWith: { a, _ in a })
        if configuration.answerForAllKnownDomains {
            // The user's own first, then presets, then imports: the best-ranked wins a domain.
            for entry in entries.sorted(by: { Catalog.rank($0.origin) > Catalog.rank($1.origin) }) {
                for d in entry.provider.domains { providers[d] = entry.provider }
            }
        }
        let organisation = try catalog.organisationDomains()
        for org in organisation {
            if let entry = byID[org.providerID] { providers[org.domain] = entry.provider }
        }
        return Snapshot(generation: generation, providers: providers, organisation: organisation.map(\.domain).sorted())
    }

    /// The provider answering for a domain (already lower-cased), if any.
    public func provider(for domain: String) -> Provider? {
        state.withLock { $0.providers[domain] }
    }

    public var domainCount: Int { state.withLock { $0.providers.count } }

    /// The organisation domains, as the catalog was last read.
    public var organisationDomains: [String] { state.withLock { $0.organisation } }

    /// The domain's Thunderbird file: built on first use, then served from memory.
    func thunderbird(for domain: String) throws(ExportError) -> CachedBody? {
        try cached(\.thunderbird, domain) { provider throws(ExportError) in
            try ServedAnswers.thunderbird(provider, domain: domain, version: configuration.clientConfigVersion)
        }
    }

    /// The domain's user-agent configuration: built on first use, then served from memory,
    /// so that its bytes stay those the `_ua-auto-config` record's digest was made from.
    func userAgentConfiguration(for domain: String) throws(ExportError) -> CachedBody? {
        try cached(\.userAgent, domain) { provider throws(ExportError) in
            try ServedAnswers.userAgentConfiguration(provider, domain: domain)
        }
    }

    /// An answer the same for everyone at a domain, kept in `slot` until the catalog changes.
    private func cached(_ slot: WritableKeyPath<Snapshot, [String: CachedBody]> & Sendable, _ domain: String,
                        build: (Provider) throws(ExportError) -> String) throws(ExportError) -> CachedBody? {
        if let hit = state.withLock({ $0[keyPath: slot][domain] }) { return hit }
        guard let provider = provider(for: domain) else { return nil }
        let body = CachedBody(try build(provider))
        state.withLock { $0[keyPath: slot][domain] = body }
        return body
    }

    /// Reloads when another process changed the catalog. Returns whether it did.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        do {
            let now = try catalog.generation()
            let changed = now != state.withLock({ $0.generation })
            if changed { try reload() }
            if let since = outage.withLock({ o in defer { o = nil }; return o }) {
                let seconds = (ContinuousClock.now - since).components.seconds
                logger.notice("the catalog at \(catalog.path) can be read again, after \(seconds) s; generation \(now)")
            }
            return changed
        } catch {
            let began = outage.withLock { o in
                guard o == nil else { return false }
                o = .now
                return true
            }
            if began {
                let generation = state.withLock { $0.generation }
                // The error names the catalog and says what to do.
                logger.error("\(error); meanwhile answering from the catalog as last read (generation \(generation))")
            }
            return false
        }
    }

    /// Reads the catalog again and drops every built answer.
    public func reload() throws(CatalogError) {
        let fresh = try Self.load(catalog, configuration)
        state.withLock { $0 = fresh }
        logger.info("catalog loaded: generation \(fresh.generation), \(fresh.providers.count) domains")
    }

    /// Picks up changes until the task is cancelled: as the catalog's store tells of
    /// them (PostgreSQL's NOTIFY), else by polling its generation.
    public func watch() async {
        await catalog.store.watchChanges(pollInterval: configuration.pollInterval, logger: logger) { [self] in
            reloadIfChanged()
        }
    }
}
