import Catalog
import HTTPKit
import Hummingbird

/// The catalog's change history: who (a token's label, or the command line's user)
/// changed what, and when; newest first.
struct ChangeRoutes: Sendable {
    let catalog: Catalog

    struct ChangeList: Codable, Sendable { var changes: [CatalogChange] }

    var routes: [Route<AdminContext>] {
        [Route(.get, "/changes") { request, _ in try list(request) }]
    }

    func list(_ request: Request) throws -> Response {
        let text = request.uri.queryParameters.get("limit")
        let limit = text.map { Int($0) }
        guard limit == nil || (limit!.map { (1...10_000).contains($0) } ?? false) else {
            throw ServiceRefusal.badRequest("limit=\(text ?? ""): expected a whole number from 1 to 10000", field: "limit")
        }
        do {
            return try AdminBodies.json(ChangeList(changes: try catalog.changes(limit: limit.flatMap { $0 } ?? 100)))
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }
}
