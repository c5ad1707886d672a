import Catalog
import HTTPKit
import Hummingbird
import UseCases

/// Providers, read only: presets, imports and the user's own.
struct ProviderRoutes: Sendable {
    let catalog: Catalog

    var routes: [Route<AdminContext>] {
        [
            Route(.get, "/providers") { _, _ in try list() },
            Route(.get, "/providers/{id}") { _, context in try one(context) },
        ]
    }

    func list() throws -> Response {
        do {
            return try AdminBodies.json(AdminBodies.ProviderList(providers: try catalog.entries().map { ProviderJSON($0, withServers: false) }))
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func one(_ context: AdminContext) throws -> Response {
        let id = try context.parameters.require("id")
        do {
            guard let entry = try catalog.entry(id: id) else { throw ServiceRefusal.notFound("no provider '\(id)'; GET /providers lists them") }
            let checks = try catalog.lastVerifications(providerID: entry.provider.id)
            return try AdminBodies.json(ProviderJSON(entry, verifications: checks))
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }
}
