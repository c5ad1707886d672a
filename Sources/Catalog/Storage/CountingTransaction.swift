/// A transaction that counts the rows its statements changed, so that a write which
/// changed nothing leaves the catalog's generation as it was.
final class CountingTransaction: CatalogTransaction {
    let base: any CatalogTransaction
    private(set) var changes = 0

    init(base: any CatalogTransaction) { self.base = base }

    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow] {
        let rows = try base.rows(sql, arguments)
        // `INSERT … RETURNING` and its kin yield one row per row changed.
        if let verb = sql.drop(while: { $0.isWhitespace }).prefix(6).uppercased() as String?,
           ["INSERT", "UPDATE", "DELETE"].contains(verb) {
            changes += rows.count
        }
        return rows
    }

    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int {
        let changed = try base.execute(sql, arguments)
        changes += changed
        return changed
    }
}
