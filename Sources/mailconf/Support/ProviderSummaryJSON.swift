import Catalog

/// One line per provider, for `providers list` and `providers search` (docs/json.md);
/// `providers show` gives the whole provider (UseCases.ProviderJSON).
struct ProviderSummaryJSON: Encodable {
    var id: String
    var displayName: String
    var kind: String
    var origin: String
    var domains: [String]
    var servers: Int

    init(_ e: CatalogEntry) {
        id = e.provider.id
        displayName = e.provider.displayName
        kind = e.provider.kind.rawValue
        origin = e.origin.rawValue
        domains = e.provider.domains
        servers = e.provider.servers.count
    }
}
