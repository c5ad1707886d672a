import Catalog

/// Organisation domains: which provider's settings a mail domain's clients get. Each
/// write goes to the catalog's change history; the result is the mapping as stored.
package struct DomainMapping: Sendable {
    package let catalog: Catalog

    package init(catalog: Catalog) { self.catalog = catalog }

    package func list() throws(CatalogError) -> [OrganisationDomain] {
        try catalog.organisationDomains()
    }

    /// Maps a new domain to `provider` (an id, or a domain or address it serves).
    package func add(_ domain: String, provider: String) throws(CatalogError) -> OrganisationDomain {
        try catalog.addOrganisationDomain(domain, providerID: provider)
        return try stored(domain)
    }

    /// Points a domain already mapped at another provider.
    package func map(_ domain: String, provider: String) throws(CatalogError) -> OrganisationDomain {
        try catalog.mapOrganisationDomain(domain, providerID: provider)
        return try stored(domain)
    }

    /// Stops answering for `domain`; returns its name as stored (lower case).
    @discardableResult
    package func remove(_ domain: String) throws(CatalogError) -> String {
        try catalog.removeOrganisationDomain(domain)
        return domain.lowercased()
    }

    func stored(_ domain: String) throws(CatalogError) -> OrganisationDomain {
        guard let found = try list().first(where: { $0.domain == domain.lowercased() }) else { throw .domainUnknown(domain) }
        return found
    }
}
