import Catalog
import HTTPKit
import Hummingbird
import Logging
import UseCases

/// Organisation domains: list, add, map to another provider, remove.
struct DomainRoutes: Sendable {
    let domains: DomainMapping
    let logger: Logger

    var routes: [Route<AdminContext>] {
        [
            Route(.get, "/domains") { _, _ in try list() },
            Route(.post, "/domains") { request, context in try await add(request, context) },
            Route(.put, "/domains/{domain}") { request, context in try await map(request, context) },
            Route(.delete, "/domains/{domain}") { _, context in try remove(context) },
        ]
    }

    func list() throws -> Response {
        do {
            let all = try domains.list().map(AdminBodies.Domain.init)
            return try AdminBodies.json(AdminBodies.DomainList(domains: all))
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func add(_ request: Request, _ context: AdminContext) async throws -> Response {
        let body = try await AdminBodies.read(AdminBodies.Domain.self, from: request)
        do {
            let added = try domains.add(body.domain, provider: body.provider)
            logger.info("admin \(context.tokenLabel ?? "?"): added the domain \(added.domain)")
            return try AdminBodies.json(AdminBodies.Domain(added), status: .created)
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func map(_ request: Request, _ context: AdminContext) async throws -> Response {
        let domain = try context.parameters.require("domain")
        let body = try await AdminBodies.read(AdminBodies.Mapping.self, from: request)
        do {
            let mapped = try domains.map(domain, provider: body.provider)
            logger.info("admin \(context.tokenLabel ?? "?"): mapped the domain \(mapped.domain)")
            return try AdminBodies.json(AdminBodies.Domain(mapped))
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func remove(_ context: AdminContext) throws -> Response {
        let domain = try context.parameters.require("domain")
        do {
            let removed = try domains.remove(domain)
            logger.info("admin \(context.tokenLabel ?? "?"): removed the domain \(removed)")
            return Response(status: .noContent)
        } catch { throw ServiceRefusal.from(error) }
    }
}
