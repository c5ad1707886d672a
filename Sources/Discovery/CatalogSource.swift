import Catalog
import MailSettings

/// The catalog here: the provider the domain belongs to, as a mail domain of the
/// provider's or as an organisation's own domain.
struct CatalogSource: DiscoverySource {
    func answers(for address: EmailAddress, in context: DiscoveryContext) async -> [SourceAnswer] {
        let domain = address.domain
        return [await context.timed(.catalog, asked: domain) { Self.servers(for: domain, in: context.catalog) }]
    }

    /// The servers for exactly this domain (the MX source asks for the MX host's parents
    /// too). The catalog also resolves provider ids, which are not domains: those count
    /// only when the provider lists the name among its domains.
    static func servers(for domain: String, in catalog: Catalog?) -> [ServerSetting] {
        guard let catalog, let entry = try? catalog.resolve(domain) else { return [] }
        let isOrganisation = ((try? catalog.organisationDomains()) ?? []).contains { $0.domain == domain }
        guard entry.provider.domains.contains(domain) || isOrganisation else { return [] }
        return entry.provider.servers
    }

    /// The provider that names this domain as its MX domain, and its servers.
    static func provider(forMXDomain domain: String, in catalog: Catalog?) -> (id: String, servers: [ServerSetting])? {
        guard let catalog, let entry = try? catalog.entry(forMXDomain: domain) else { return nil }
        return (entry.provider.id, entry.provider.servers)
    }
}
