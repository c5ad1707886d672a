import Catalog
import HTTPKit
import Hummingbird
import Logging

/// Organisation domains: list, add, map to another provider, remove.
struct DomainRoutes: Sendable {
    let catalog: Catalog
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
            let all = try catalog.organisationDomains().map { AdminBodies.Domain(domain: $0.domain, provider: $0.providerID) }
            return try AdminBodies.json(AdminBodies.DomainList(domains: all))
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func add(_ request: Request, _ context: AdminContext) async throws -> Response {
        let body = try await AdminBodies.read(AdminBodies.Domain.self, from: request)
        do {
            try catalog.addOrganisationDomain(body.domain, providerID: body.provider)
            let added = try catalog.organisationDomains().first { $0.domain == body.domain.lowercased() }
            logger.info("admin \(context.tokenLabel ?? "?"): added the domain \(body.domain.lowercased())")
            return try AdminBodies.json(AdminBodies.Domain(domain: added?.domain ?? body.domain, provider: added?.providerID ?? body.provider),
                                        status: .created)
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func map(_ request: Request, _ context: AdminContext) async throws -> Response {
        let domain = try context.parameters.require("domain")
        let body = try await AdminBodies.read(AdminBodies.Mapping.self, from: request)
        do {
            try catalog.mapOrganisationDomain(domain, providerID: body.provider)
            let mapped = try catalog.organisationDomains().first { $0.domain == domain.lowercased() }
            logger.info("admin \(context.tokenLabel ?? "?"): mapped the domain \(domain.lowercased())")
            return try AdminBodies.json(AdminBodies.Domain(domain: domain.lowercased(), provider: mapped?.providerID ?? body.provider))
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func remove(_ context: AdminContext) throws -> Response {
        let domain = try context.parameters.require("domain")
        do {
            try catalog.removeOrganisationDomain(domain)
            logger.info("admin \(context.tokenLabel ?? "?"): removed the domain \(domain.lowercased())")
            return Response(status: .noContent)
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }
}
