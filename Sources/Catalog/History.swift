import Foundation

/// One entry of the catalog's change history.
public struct CatalogChange: Sendable, Codable, Equatable {
    public var at: Date
    /// The admin API's token label (`token:LABEL`), or `cli:USER`.
    public var actor: String
    public var change: String
}

extension Catalog {
    /// The newest changes first, at most `limit`.
    public func changes(limit: Int = 100) throws(CatalogError) -> [CatalogChange] {
        try read { tx in
            try tx.rows("SELECT changed_at, actor, change FROM change_log ORDER BY id DESC LIMIT ?", [max(1, min(limit, 10_000))]).map { row in
                CatalogChange(at: try row.date("changed_at"), actor: try row.string("actor"), change: try row.string("change"))
            }
        }
    }
}
