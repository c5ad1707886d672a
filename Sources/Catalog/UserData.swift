import Foundation
import GRDB
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
        return try write { db -> Int64 in
            var provider: Provider
            if let row = try ProviderRecord.fetchOne(db, key: id) {
                guard row.origin == .user else { throw CatalogError.readOnlyPreset(id) }
                guard let loaded = try Self.loadEntries(db, where: ("id = ?", [id])).first?.provider else {
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
            let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM server WHERE provider_id = ?", arguments: [id]) ?? -1) + 1
            provider.servers.append(server)
            // The provider row and domains are rewritten; existing servers keep their ids.
            try Self.writeProviderRow(provider, origin: .user, source: nil, hash: "user", at: Date().databaseValue, in: db)
            return try Self.insertServer(ServerRecord(server, providerID: id, position: position), in: db)
        }
    }

    /// User-defined servers, optionally of one provider, by provider and position.
    public func userServers(providerID: String? = nil) throws(CatalogError) -> [UserServer] {
        try read { db in
            var sql = "SELECT server.* FROM server JOIN provider ON provider.id = server.provider_id WHERE provider.origin = 'user'"
            var args: [String] = []
            if let providerID { sql += " AND provider.id = ?"; args.append(providerID.lowercased()) }
            sql += " ORDER BY server.provider_id, server.position"
            return try ServerRecord.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map {
                UserServer(id: $0.id!, providerID: $0.providerID, server: try $0.model())
            }
        }
    }

    /// Any server by its catalog id, with the provider it belongs to.
    public func server(id: Int64) throws(CatalogError) -> (server: UserServer, origin: ProviderOrigin)? {
        try read { db in
            guard let row = try ServerRecord.fetchOne(db, key: id),
                  let origin = try ProviderOrigin.fetchOne(db, sql: "SELECT origin FROM provider WHERE id = ?", arguments: [row.providerID])
            else { return nil }
            return (UserServer(id: id, providerID: row.providerID, server: try row.model()), origin)
        }
    }

    /// Changes a user-defined server; `change` gets the current setting and returns the new one.
    public func editServer(id: Int64, _ change: (ServerSetting) throws(ValidationError) -> ServerSetting) throws(CatalogError) -> ServerSetting {
        try write { db in
            guard let row = try ServerRecord.fetchOne(db, key: id) else { throw CatalogError.unknownServer(id) }
            let origin = try ProviderOrigin.fetchOne(db, sql: "SELECT origin FROM provider WHERE id = ?", arguments: [row.providerID])
            guard origin == .user else { throw CatalogError.readOnlyPreset(row.providerID) }
            let updated = try change(try row.model())
            try updated.validate()
            try ServerRecord(updated, providerID: row.providerID, position: row.position, id: id).update(db)
            try db.execute(sql: "UPDATE provider SET updated_at = ? WHERE id = ?", arguments: [Date(), row.providerID])
            return updated
        }
    }

    /// Removes a user-defined server; a user provider left without servers goes too,
    /// unless an organisation domain still points at it.
    public func removeServer(id: Int64) throws(CatalogError) {
        try write { db in
            guard let row = try ServerRecord.fetchOne(db, key: id) else { throw CatalogError.unknownServer(id) }
            let origin = try ProviderOrigin.fetchOne(db, sql: "SELECT origin FROM provider WHERE id = ?", arguments: [row.providerID])
            guard origin == .user else { throw CatalogError.readOnlyPreset(row.providerID) }
            let remaining = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM server WHERE provider_id = ?", arguments: [row.providerID]) ?? 0
            if remaining == 1 {
                let domains = try String.fetchAll(db, sql: "SELECT domain FROM org_domain WHERE provider_id = ? ORDER BY domain", arguments: [row.providerID])
                guard domains.isEmpty else { throw CatalogError.providerInUse(row.providerID, domains: domains) }
                try db.execute(sql: "DELETE FROM provider WHERE id = ?", arguments: [row.providerID])
            } else {
                _ = try ServerRecord.deleteOne(db, key: id)
            }
        }
    }

    // MARK: Organisation domains

    public func organisationDomains() throws(CatalogError) -> [OrganisationDomain] {
        try read { db in
            try OrgDomainRecord.fetchAll(db, sql: "SELECT * FROM org_domain ORDER BY domain").map {
                OrganisationDomain(domain: $0.domain, providerID: $0.providerID)
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
        try write { db in
            if let existing = try OrgDomainRecord.fetchOne(db, key: host.name) {
                throw CatalogError.domainTaken(host.name, providerID: existing.providerID)
            }
            try OrgDomainRecord(domain: host.name, providerID: target.provider.id, createdAt: Date()).insert(db)
        }
    }

    public func removeOrganisationDomain(_ domain: String) throws(CatalogError) {
        try write { db in
            guard try OrgDomainRecord.deleteOne(db, key: domain.lowercased()) else {
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
