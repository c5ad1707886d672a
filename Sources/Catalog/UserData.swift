import Foundation
import MailSettings

/// A user-defined server with its catalog id.
public struct UserServer: Sendable, Hashable {
    public var id: Int64
    public var providerID: String
    public var server: ServerSetting
}

/// An organisation domain: a mail domain mailconf answers for, mapped to a provider.
public struct OrganisationDomain: Sendable, Hashable, Codable {
    public var domain: String
    public var providerID: String
}

extension Catalog {
    /// Adds a server to a user-defined provider, creating the provider when the id is
    /// new. Presets and imported providers are read-only.
    @discardableResult
    public func addServer(_ server: ServerSetting, toProvider providerID: String, displayName: String? = nil,
                          kind: ProviderKind? = nil, domains: [String] = []) throws(CatalogError) -> Int64 {
        let id: String
        do { id = try Provider.checkID(providerID) } catch { throw .invalid(error) }
        return try write(history: { "added server #\($0) (\(server.summary)) to provider \(id)" }) { tx -> Int64 in
            var provider: Provider
            if let row = try tx.row("SELECT origin FROM provider WHERE id = ?", [id]) {
                guard try ProviderOrigin(row: row) == .user else { throw CatalogError.readOnlyPreset(id) }
                guard let loaded = try Self.loadEntries(tx, where: ("id = ?", [id])).first?.provider else {
                    throw CatalogError.unknownProvider(id, suggestions: [])
                }
                provider = loaded
                if let displayName { provider.displayName = displayName }
                if let kind { provider.kind = kind }
                for d in domains where !provider.domains.contains(d.lowercased()) {
                    provider.domains.append(try Hostname(d).name)
                }
                provider = try Provider(copyValidating: provider)
            } else {
                provider = try Provider(
                    id: id, displayName: displayName ?? id,
                    kind: kind ?? (server.role == .outgoing ? .relay : .mailbox),
                    domains: domains, servers: [])
            }
            let position = (try tx.integer("SELECT MAX(position) FROM server WHERE provider_id = ?", [id]) ?? -1) + 1
            provider.servers.append(server)
            // The provider row and domains are rewritten; existing servers keep their ids.
            try Self.writeProviderRow(provider, origin: .user, source: nil, hash: "user", at: Date(), in: tx)
            return try Self.insertServer(ServerRecord(server, providerID: id, position: position), in: tx)
        }
    }

    /// User-defined servers, optionally of one provider, by provider and position.
    public func userServers(providerID: String? = nil) throws(CatalogError) -> [UserServer] {
        try read { tx in
            var sql = "SELECT server.* FROM server JOIN provider ON provider.id = server.provider_id WHERE provider.origin = 'user'"
            var args: [String] = []
            if let providerID { sql += " AND provider.id = ?"; args.append(providerID.lowercased()) }
            sql += " ORDER BY server.provider_id, server.position"
            return try tx.rows(sql, args).map { row in
                let r = try ServerRecord(row: row)
                return UserServer(id: r.id ?? 0, providerID: r.providerID, server: try r.model())
            }
        }
    }

    /// Any server by its catalog id, with the provider it belongs to.
    public func server(id: Int64) throws(CatalogError) -> (server: UserServer, origin: ProviderOrigin)? {
        try read { tx in
            guard let row = try Self.serverRow(id, in: tx),
                  let originRow = try tx.row("SELECT origin FROM provider WHERE id = ?", [row.providerID])
            else { return nil }
            return (UserServer(id: id, providerID: row.providerID, server: try row.model()), try ProviderOrigin(row: originRow))
        }
    }

    static func serverRow(_ id: Int64, in tx: any CatalogTransaction) throws -> ServerRecord? {
        try tx.row("SELECT * FROM server WHERE id = ?", [id]).map(ServerRecord.init(row:))
    }

    /// The server's row, when it belongs to a user-defined provider.
    static func userServerRow(_ id: Int64, in tx: any CatalogTransaction) throws -> ServerRecord {
        guard let row = try serverRow(id, in: tx) else { throw CatalogError.unknownServer(id) }
        let origin = try tx.row("SELECT origin FROM provider WHERE id = ?", [row.providerID]).map { try ProviderOrigin(row: $0) }
        guard origin == .user else { throw CatalogError.readOnlyPreset(row.providerID) }
        return row
    }

    /// Changes a user-defined server; `change` gets the current setting and returns the new one.
    public func editServer(id: Int64, _ change: (ServerSetting) throws(ValidationError) -> ServerSetting) throws(CatalogError) -> ServerSetting {
        try write(history: { "edited server #\(id): now \($0.summary)" }) { tx in
            let row = try Self.userServerRow(id, in: tx)
            let updated = try change(try row.model())
            try updated.validate()
            let r = ServerRecord(updated, providerID: row.providerID, position: row.position, id: id)
            try tx.execute("""
                UPDATE server SET protocol = ?, description = ?, hostname = ?, port = ?, security = ?,
                                  authentication = ?, username = ?, url = ?, extras = ?
                WHERE id = ?
                """, [r.protocol, r.description, r.hostname, r.port, r.security, r.authentication, r.username, r.url, r.extras, id])
            try tx.execute("UPDATE provider SET updated_at = ? WHERE id = ?", [Date(), row.providerID])
            return updated
        }
    }

    /// Removes a user-defined server; a user provider left without servers goes too,
    /// unless an organisation domain still points at it.
    public func removeServer(id: Int64) throws(CatalogError) {
        try write(history: { "removed server #\(id)" }) { tx in
            let row = try Self.userServerRow(id, in: tx)
            let remaining = try tx.integer("SELECT COUNT(*) FROM server WHERE provider_id = ?", [row.providerID]) ?? 0
            if remaining == 1 {
                let domains = try tx.strings("SELECT domain FROM org_domain WHERE provider_id = ? ORDER BY domain", [row.providerID])
                guard domains.isEmpty else { throw CatalogError.providerInUse(row.providerID, domains: domains) }
                try tx.execute("DELETE FROM provider WHERE id = ?", [row.providerID])
            } else {
                try tx.execute("DELETE FROM server WHERE id = ?", [id])
            }
        }
    }

    // MARK: Organisation domains

    public func organisationDomains() throws(CatalogError) -> [OrganisationDomain] {
        try read { tx in
            try tx.rows("SELECT * FROM org_domain ORDER BY domain").map { row in
                let r = try OrgDomainRecord(row: row)
                return OrganisationDomain(domain: r.domain, providerID: r.providerID)
            }
        }
    }

    /// Maps an organisation's mail domain to a provider (a preset or a user provider).
    public func addOrganisationDomain(_ domain: String, providerID: String) throws(CatalogError) {
        let host: Hostname
        do { host = try Hostname(domain) } catch { throw .invalid(error) }
        guard !host.isTemplate, !host.isIPAddress else {
            throw .invalid(ValidationError(field: "domain", value: domain, reason: "it is not a DNS name",
                                           expected: "a mail domain such as example.org"))
        }
        let target = try resolve(providerID)
        try write(history: { "added domain \(host.name) → \(target.provider.id)" }) { tx in
            if let existing = try tx.row("SELECT provider_id FROM org_domain WHERE domain = ?", [host.name]) {
                throw CatalogError.domainTaken(host.name, providerID: try existing.string("provider_id"))
            }
            try tx.execute("INSERT INTO org_domain(domain, provider_id, created_at) VALUES (?, ?, ?)",
                           [host.name, target.provider.id, Date()])
        }
    }

    /// Points an organisation domain that exists at another provider.
    public func mapOrganisationDomain(_ domain: String, providerID: String) throws(CatalogError) {
        let target = try resolve(providerID)
        try write(history: { "mapped domain \(domain.lowercased()) → \(target.provider.id)" }) { tx in
            guard try tx.execute("UPDATE org_domain SET provider_id = ? WHERE domain = ?",
                                 [target.provider.id, domain.lowercased()]) > 0 else {
                throw CatalogError.domainUnknown(domain)
            }
        }
    }

    public func removeOrganisationDomain(_ domain: String) throws(CatalogError) {
        try write(history: { "removed domain \(domain.lowercased())" }) { tx in
            guard try tx.execute("DELETE FROM org_domain WHERE domain = ?", [domain.lowercased()]) > 0 else {
                throw CatalogError.domainUnknown(domain)
            }
        }
    }
}

extension Provider {
    /// Re-runs the checks of the initialiser on a changed copy.
    init(copyValidating p: Provider) throws(ValidationError) {
        try self.init(id: p.id, displayName: p.displayName, shortName: p.shortName, kind: p.kind, domains: p.domains,
                      documentation: p.documentation, notes: p.notes, region: p.region, dnsRecords: p.dnsRecords,
                      servers: p.servers, clientConfigID: p.clientConfigID, clientConfigExtras: p.clientConfigExtras)
    }
}
