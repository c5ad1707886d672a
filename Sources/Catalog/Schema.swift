import GRDB

/// Every version of the catalog's schema, in order. A migration is never edited once
/// released; a change is a new migration.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: providers, domains, servers, organisation domains") { db in
            try db.create(table: "provider") { t in
                t.primaryKey("id", .text)
                t.column("origin", .text).notNull().check { ["preset", "imported", "user"].contains($0) }
                t.column("display_name", .text).notNull()
                t.column("short_name", .text)
                t.column("kind", .text).notNull().check { ["mailbox", "relay"].contains($0) }
                t.column("notes", .text)
                t.column("region_code", .text)
                t.column("region_name", .text)
                t.column("client_config_id", .text)
                t.column("documentation", .text).notNull().defaults(to: "[]")
                t.column("dns_records", .text).notNull().defaults(to: "[]")
                t.column("extras", .text).notNull().defaults(to: "{}")
                t.column("source", .text)
                t.column("content_hash", .text).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(table: "provider_domain") { t in
                t.column("provider_id", .text).notNull().references("provider", onDelete: .cascade)
                t.column("domain", .text).notNull()
                t.column("position", .integer).notNull()
                t.primaryKey(["provider_id", "domain"])
            }
            try db.create(index: "provider_domain_by_domain", on: "provider_domain", columns: ["domain"])
            try db.create(table: "server") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text).notNull().indexed().references("provider", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("protocol", .text).notNull()
                t.column("description", .text)
                t.column("hostname", .text)
                t.column("port", .integer).check { $0 == nil || ($0 >= 1 && $0 <= 65535) }
                t.column("security", .text)
                t.column("authentication", .text).notNull()
                t.column("username", .text)
                t.column("url", .text)
                t.column("extras", .text).notNull().defaults(to: "[]")
            }
            try db.create(table: "org_domain") { t in
                t.primaryKey("domain", .text)
                t.column("provider_id", .text).notNull().indexed().references("provider", onDelete: .restrict)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "catalog_meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v2: verification history") { db in
            try db.create(table: "verification") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text).notNull().references("provider", onDelete: .cascade)
                // Server ids change when presets are refreshed; the setting's summary does not.
                t.column("setting", .text).notNull()
                t.column("ok", .boolean).notNull()
                t.column("kind", .text)
                t.column("message", .text).notNull()
                t.column("checked_at", .datetime).notNull()
            }
            try db.create(index: "verification_by_provider", on: "verification", columns: ["provider_id", "setting", "checked_at"])
        }
        migrator.registerMigration("v3: clientConfig 1.2 (MX domains, services beside mail, OAuth2 endpoints)") { db in
            try db.alter(table: "provider") { t in
                t.add(column: "mx_domains", .text).notNull().defaults(to: "[]")
                t.add(column: "services", .text).notNull().defaults(to: "[]")
                t.add(column: "oauth2", .text)
            }
            // Presets stored before kept their <oAuth2> as raw XML: store them again.
            try db.execute(sql: "UPDATE provider SET content_hash = '' WHERE origin = 'preset'")
            try db.execute(sql: "DELETE FROM catalog_meta WHERE key = 'presets-fingerprint'")
        }
        return migrator
    }
}
