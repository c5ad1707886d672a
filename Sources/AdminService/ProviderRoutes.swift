import Catalog
import Hummingbird

/// Providers, read only: presets, imports and the user's own.
struct ProviderRoutes: Sendable {
    let catalog: Catalog

    func add(to router: Router<AdminContext>) {
        router.get("/providers") { _, _ in try list() }
        router.get("/providers/{id}") { _, context in try one(context) }
    }

    func list() throws -> Response {
        do {
            return try AdminBodies.json(AdminBodies.ProviderList(providers: try catalog.entries().map { .init($0, withServers: false) }))
        } catch let e as CatalogError { throw AdminError.from(e) }
    }

    func one(_ context: AdminContext) throws -> Response {
        let id = try context.parameters.require("id")
        do {
            guard let entry = try catalog.entry(id: id) else { throw AdminError.notFound("no provider '\(id)'; GET /providers lists them") }
            return try AdminBodies.json(AdminBodies.Provider(entry, withServers: true))
        } catch let e as CatalogError { throw AdminError.from(e) }
    }
}
