import Failures
import Foundation
import GRDB
import MailFormats
import MailSettings

/// The catalog of providers, their servers and the organisation's domains.
///
/// Its rows live in a ``CatalogStore``: one SQLite file (the default, created and seeded
/// from the built-in presets on first use) or a PostgreSQL database shared by many
/// machines. Every write is one transaction, and the same rules hold on both.
public final class Catalog: Sendable {
    public let store: any CatalogStore
    /// Where it is, for messages: a file's path, or a database URL without its secret.
    public var path: String { store.location }
    public var isReadOnly: Bool { store.isReadOnly }

    /// `MAILCONF_DB`, else `$XDG_DATA_HOME/mailconf/catalog.sqlite`, else
    /// `~/.local/share/mailconf/catalog.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["MAILCONF_DB"], !explicit.isEmpty { return explicit }
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".local/share")
        }
        return ((base as NSString).appendingPathComponent("mailconf") as NSString).appendingPathComponent("catalog.sqlite")
    }

    /// Opens (and if needed creates, migrates and seeds) the SQLite catalog at `path`.
    /// - Parameters:
    ///   - readOnly: for readers such as the HTTP service; the file must exist.
    ///   - refreshPresets: bring the built-in presets up to date when this build ships
    ///     different ones (never touches user data).
    public convenience init(path: String? = nil, readOnly: Bool = false, refreshPresets: Bool = true) throws(CatalogError) {
        try self.init(store: SQLiteStore(path: path ?? Self.defaultPath(), readOnly: readOnly), refreshPresets: refreshPresets)
    }

    /// Opens the catalog in `store`: a writer migrates it and seeds the presets, a reader
    /// checks that its schema is this binary's.
    public init(store: any CatalogStore, refreshPresets: Bool = true) throws(CatalogError) {
        self.store = store
        do { try store.prepareSchema() } catch { throw Self.mapped(error, store: store) }
        if !store.isReadOnly && refreshPresets {
            _ = try updatePresets(onlyIfChanged: true)
        }
    }

    /// The SQLite pool, for tests of what only SQLite has.
    var pool: DatabasePool? { (store as? SQLiteStore)?.pool }

    func read<T>(_ body: (any CatalogTransaction) throws -> T) throws(CatalogError) -> T {
        do { return try store.read(body) } catch { throw Self.mapped(error, store: store) }
    }

    /// Who is changing the catalog, for its history: the admin API sets its token's
    /// label around each request; otherwise the command line's user.
    @TaskLocal public static var actor: String?

    static var currentActor: String {
        actor ?? "cli:\(ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")"
    }

    /// One transaction. When it changed anything, the catalog's generation goes up in the
    /// same transaction, so readers in other processes (`mailconf serve`) can tell; the
    /// store announces it at commit where it can; and `history` (given the result) is
    /// written to the change log, with who and when, in the same transaction.
    func write<T>(history: ((T) -> String)? = nil, _ body: (any CatalogTransaction) throws -> T) throws(CatalogError) -> T {
        do {
            return try store.write { tx in
                let counting = CountingTransaction(base: tx)
                let result = try body(counting)
                if counting.changes > 0 {
                    if let history {
                        try tx.execute("INSERT INTO change_log(changed_at, actor, change) VALUES (?, ?, ?)",
                                       [Date(), String(Self.currentActor.prefix(200)), String(history(result).prefix(2000))])
                    }
                    let generation = try tx.integer("""
                        INSERT INTO catalog_meta(key, value) VALUES ('generation', '1')
                        ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(catalog_meta.value AS INTEGER) + 1 AS TEXT)
                        RETURNING CAST(value AS INTEGER)
                        """) ?? 0
                    try store.announce(generation: generation, in: tx)
                }
                return result
            }
        } catch { throw Self.mapped(error, store: store) }
    }

    /// A number that changes with every committed change to the catalog (by any process).
    public func generation() throws(CatalogError) -> Int {
        try read { tx in
            try tx.integer("SELECT CAST(value AS INTEGER) FROM catalog_meta WHERE key = 'generation'") ?? 0
        }
    }

    static func mapped(_ error: any Error, store: any CatalogStore) -> CatalogError {
        switch error {
        case let e as CatalogError: return e
        case let e as ValidationError: return .invalid(e)
        case let e as SQLColumnError: return .cannotOpen(path: store.location, reason: e.description)
        default: return .cannotOpen(path: store.location, reason: store.reason(for: error))
        }
    }

    // MARK: Reading

    /// Every provider, ordered by id.
    public func entries(kind: ProviderKind? = nil) throws(CatalogError) -> [CatalogEntry] {
        try read { tx in try Self.loadEntries(tx, where: kind.map { ("kind = ?", [$0.rawValue]) }) }
    }

    /// One provider by id (case-insensitive), or nil.
    public func entry(id: String) throws(CatalogError) -> CatalogEntry? {
        try read { tx in try Self.loadEntries(tx, where: ("id = ?", [id.lowercased()])).first }
    }

    /// Providers that list a mail domain, in id order.
    public func providerIDs(forDomain domain: String) throws(CatalogError) -> [String] {
        let key = domain.lowercased()
        return try read { tx in
            try tx.strings("SELECT provider_id FROM provider_domain WHERE domain = ? ORDER BY provider_id", [key])
        }
    }

    /// The provider whose MX domain (clientConfig 1.2 `<domain purpose="mx">`) is exactly
    /// this name, the best-ranked first (the user's own, then presets, then imports).
    public func entry(forMXDomain domain: String) throws(CatalogError) -> CatalogEntry? {
        let key = domain.lowercased()
        let listed = switch store.dialect {
        case .sqlite: "EXISTS (SELECT 1 FROM json_each(provider.mx_domains) WHERE json_each.value = ?)"
        case .postgres: "EXISTS (SELECT 1 FROM jsonb_array_elements_text(provider.mx_domains::jsonb) AS mx(value) WHERE mx.value = ?)"
        }
        let found = try read { tx in try Self.loadEntries(tx, where: (listed, [key])) }
        return found.min { Self.rank($0.origin) < Self.rank($1.origin) }
    }

    /// Finds what a person named: a provider id, an organisation domain, a mail domain
    /// or an e-mail address. Unknown names fail with the closest ids as suggestions.
    public func resolve(_ name: String) throws(CatalogError) -> CatalogEntry {
        if let e = try entry(id: name) { return e }
        var domain = name.lowercased()
        if let at = domain.lastIndex(of: "@") { domain = String(domain[domain.index(after: at)...]) }
        if let org = try organisationDomains().first(where: { $0.domain == domain }), let e = try entry(id: org.providerID) {
            return e
        }
        let ids = try providerIDs(forDomain: domain)
        // Prefer a curated preset over an imported file for the same domain.
        var all: [CatalogEntry] = []
        for id in ids { if let e = try entry(id: id) { all.append(e) } }
        if let best = all.min(by: { Self.rank($0.origin) < Self.rank($1.origin) }) { return best }
        throw CatalogError.unknownProvider(name, suggestions: try suggestions(for: name))
    }

    /// Lower is preferred when several providers match: the user's own, then presets, then imports.
    public static func rank(_ o: ProviderOrigin) -> Int {
        switch o { case .user: 0; case .preset: 1; case .imported: 2 }
    }

    static func loadEntries(_ tx: any CatalogTransaction, where filter: (String, [String])?) throws -> [CatalogEntry] {
        let clause = filter.map { " WHERE \($0.0)" } ?? ""
        let args: [any SQLArgument] = filter?.1 ?? []
        let rows = try tx.rows("SELECT * FROM provider\(clause) ORDER BY id", args).map(ProviderRecord.init(row:))
        guard !rows.isEmpty else { return [] }
        let idClause = filter == nil ? "" : " WHERE provider_id IN (SELECT id FROM provider\(clause))"
        let domains = try tx.rows("SELECT * FROM provider_domain\(idClause) ORDER BY provider_id, position", args).map(DomainRecord.init(row:))
        let servers = try tx.rows("SELECT * FROM server\(idClause) ORDER BY provider_id, position", args).map(ServerRecord.init(row:))
        let domainsBy = Dictionary(grouping: domains, by: \.providerID)
        let serversBy = Dictionary(grouping: servers, by: \.providerID)
        return try rows.map { row in
            let s = serversBy[row.id] ?? []
            let provider = try Provider(
                id: row.id, displayName: row.displayName, shortName: row.shortName,
                kind: ProviderKind(rawValue: row.kind) ?? .mailbox,
                domains: (domainsBy[row.id] ?? []).map(\.domain),
                documentation: try JSONColumn.decode([DocumentationLink].self, row.documentation),
                notes: row.notes,
                region: try row.regionCode.map { try Region(code: $0, name: row.regionName) },
                dnsRecords: try JSONColumn.decode([DNSRequirement].self, row.dnsRecords),
                servers: try s.map { try $0.model() },
                mxDomains: try JSONColumn.decode([String].self, row.mxDomains),
                services: try JSONColumn.decode([ServiceSetting].self, row.services),
                oauth2: try row.oauth2.map { try JSONColumn.decode(OAuth2Settings.self, $0) },
                clientConfigID: row.clientConfigID,
                clientConfigExtras: try JSONColumn.decode(ClientConfigExtras.self, row.extras))
            return CatalogEntry(provider: provider, origin: row.origin, source: row.source, serverIDs: s.compactMap(\.id))
        }
    }

    // MARK: Writing (shared by presets, import and user data)

    /// Replaces a provider with its domains and servers (one transaction is the caller's).
    /// Bulk imports go through here, so it uses cached statements rather than record encoding.
    static func store(_ p: Provider, origin: ProviderOrigin, source: String?, hash: String, at time: Date,
                      in tx: any CatalogTransaction) throws {
        try tx.execute("DELETE FROM server WHERE provider_id = ?", [p.id])
        try writeProviderRow(p, origin: origin, source: source, hash: hash, at: time, in: tx)
        for (i, s) in p.servers.enumerated() {
            try insertServer(ServerRecord(s, providerID: p.id, position: i), in: tx)
        }
    }

    /// Inserts or updates a provider's own row and replaces its domains; its servers are
    /// left as they are (so user servers keep their ids). The one writer of these rows.
    static func writeProviderRow(_ p: Provider, origin: ProviderOrigin, source: String?, hash: String,
                                 at time: Date, in tx: any CatalogTransaction) throws {
        try tx.execute("DELETE FROM provider_domain WHERE provider_id = ?", [p.id])
        try tx.execute("""
            INSERT INTO provider(id, origin, display_name, short_name, kind, notes, region_code, region_name,
                                 client_config_id, documentation, dns_records, extras, mx_domains, services, oauth2,
                                 source, content_hash, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET origin = excluded.origin, display_name = excluded.display_name,
                short_name = excluded.short_name, kind = excluded.kind, notes = excluded.notes,
                region_code = excluded.region_code, region_name = excluded.region_name,
                client_config_id = excluded.client_config_id, documentation = excluded.documentation,
                dns_records = excluded.dns_records, extras = excluded.extras, mx_domains = excluded.mx_domains,
                services = excluded.services, oauth2 = excluded.oauth2, source = excluded.source,
                content_hash = excluded.content_hash, updated_at = excluded.updated_at
            """, [
                p.id, origin.rawValue, p.displayName, p.shortName, p.kind.rawValue, p.notes, p.region?.code, p.region?.name,
                p.clientConfigID, JSONColumn.encodeArray(p.documentation), JSONColumn.encodeArray(p.dnsRecords),
                p.clientConfigExtras.isEmpty ? "{}" : JSONColumn.encode(p.clientConfigExtras),
                JSONColumn.encodeArray(p.mxDomains), JSONColumn.encodeArray(p.services), p.oauth2.map { JSONColumn.encode($0) },
                source, hash, time,
            ])
        for (i, d) in p.domains.enumerated() {
            try tx.execute("INSERT INTO provider_domain(provider_id, domain, position) VALUES (?, ?, ?)", [p.id, d, i])
        }
    }

    /// Inserts a server row and returns its id.
    @discardableResult
    static func insertServer(_ r: ServerRecord, in tx: any CatalogTransaction) throws -> Int64 {
        let row = try tx.row("""
            INSERT INTO server(provider_id, position, protocol, description, hostname, port, security,
                               authentication, username, url, extras)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING id
            """, [r.providerID, r.position, r.protocol, r.description, r.hostname, r.port, r.security,
                  r.authentication, r.username, r.url, r.extras])
        guard let row else { throw SQLColumnError(column: "server.id", found: "no row from INSERT … RETURNING") }
        return try row.int64("id")
    }

    /// A short, stable fingerprint of the bytes a provider was read from.
    static func contentHash(_ bytes: [UInt8]) -> String {
        FNV.hex(bytes)
    }
}
