import Catalog

/// The catalog's schema on PostgreSQL: every migration in order, once, under the writers' lock.
extension PostgresStore {
    /// Where the applied migrations are recorded.
    static let migrationsTable = "mailconf_migrations"

    public func prepareSchema() throws {
        let known = Schema.migrations.map(\.identifier)
        let applied = try appliedMigrations()
        let unknown = Set(applied).subtracting(known)
        if !unknown.isEmpty { throw CatalogError.schemaNewer(location: location, unknown: unknown.sorted()) }
        let missing = known.filter { !applied.contains($0) }
        guard !missing.isEmpty else { return }
        if isReadOnly {
            if applied.isEmpty { throw CatalogError.noSchema(location: location) }
            throw CatalogError.schemaBehind(location: location, missing: missing)
        }
        try transaction(begin: "BEGIN", lockWriters: true) { tx in
            try tx.execute("""
                CREATE TABLE IF NOT EXISTS \(Self.migrationsTable) (
                    identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            // Another process may have migrated while this one waited for the lock.
            let done = Set(try tx.strings("SELECT identifier FROM \(Self.migrationsTable)"))
            for migration in Schema.migrations where !done.contains(migration.identifier) {
                for statement in migration.postgres { try tx.execute(statement) }
                try tx.execute("INSERT INTO \(Self.migrationsTable)(identifier) VALUES (?)", [migration.identifier])
            }
        }
    }

    func appliedMigrations() throws -> [String] {
        try read { tx in
            let present = try tx.rows("SELECT to_regclass(?) IS NOT NULL AS present", [Self.migrationsTable]).first
            guard try present?.bool("present") == true else { return [] }
            return try tx.strings("SELECT identifier FROM \(Self.migrationsTable) ORDER BY applied_at, identifier")
        }
    }
}
