import Foundation
import GRDB
import MailSettings

/// Where a provider came from. Presets are refreshed by `catalog update`; imported
/// and user rows are never touched by it.
public enum ProviderOrigin: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case preset, imported, user
}

struct ProviderRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "provider"
    var id: String
    var origin: ProviderOrigin
    var displayName: String
    var shortName: String?
    var kind: String
    var notes: String?
    var regionCode: String?
    var regionName: String?
    var clientConfigID: String?
    var documentation: String
    var dnsRecords: String
    var extras: String
    var mxDomains: String
    var services: String
    var oauth2: String?
    var source: String?
    var contentHash: String
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, origin, kind, notes, source, documentation, extras, services, oauth2
        case displayName = "display_name", shortName = "short_name", mxDomains = "mx_domains"
        case regionCode = "region_code", regionName = "region_name"
        case clientConfigID = "client_config_id", dnsRecords = "dns_records"
        case contentHash = "content_hash", updatedAt = "updated_at"
    }
}

struct DomainRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "provider_domain"
    var providerID: String
    var domain: String
    var position: Int
    enum CodingKeys: String, CodingKey {
        case domain, position
        case providerID = "provider_id"
    }

}

struct ServerRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "server"
    var id: Int64?
    var providerID: String
    var position: Int
    var `protocol`: String
    var description: String?
    var hostname: String?
    var port: Int?
    var security: String?
    var authentication: String
    var username: String?
    var url: String?
    var extras: String

    enum CodingKeys: String, CodingKey {
        case id, position, `protocol`, description, hostname, port, security, authentication, username, url, extras
        case providerID = "provider_id"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct OrgDomainRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "org_domain"
    var domain: String
    var providerID: String
    var createdAt: Date
    enum CodingKeys: String, CodingKey {
        case domain
        case providerID = "provider_id"
        case createdAt = "created_at"
    }
}

// MARK: - Model <-> records

enum JSONColumn {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static func encode<T: Encodable>(_ value: T) -> String {
        // Encoding plain value types cannot fail.
        String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// `[]` without starting an encoder for the common empty case.
    static func encodeArray<T: Encodable>(_ value: [T]) -> String {
        value.isEmpty ? "[]" : encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

extension ServerRecord {
    init(_ s: ServerSetting, providerID: String, position: Int, id: Int64? = nil) {
        self.id = id
        self.providerID = providerID
        self.position = position
        self.protocol = s.protocol.rawValue
        self.description = s.description
        self.hostname = s.hostname?.name
        self.port = s.port.map { Int($0.value) }
        self.security = s.security?.rawValue
        // Generic methods by name; `sasl:NAME` and `http:SCHEME` for clientConfig 1.2's.
        self.authentication = s.authenticationChoices.map(\.description).joined(separator: ",")
        self.username = s.username?.text
        self.url = s.url
        self.extras = JSONColumn.encodeArray(s.clientConfigExtras)
    }

    func model() throws -> ServerSetting {
        guard let proto = ServerProtocol(rawValue: self.protocol) else {
            throw ValidationError(field: "protocol", value: self.protocol, reason: "unknown in the catalog", expected: "smtp, imap or pop3")
        }
        var auth: [AuthenticationChoice] = []
        for name in authentication.split(separator: ",") {
            do { auth.append(try AuthenticationChoice(parsing: String(name))) } catch {
                throw ValidationError(field: "authentication", value: String(name), reason: "unknown in the catalog", expected: "a known method")
            }
        }
        return try ServerSetting(
            protocol: proto, description: description,
            hostname: try hostname.map { try Hostname($0) },
            port: try port.map { try Port($0) },
            security: try security.map { try ConnectionSecurity(parsing: $0) },
            choices: auth,
            username: try username.map { try UsernameTemplate.lenient($0).0 },
            url: url, clientConfigExtras: try JSONColumn.decode([String].self, extras))
    }
}

/// A provider as stored: the model plus where it came from.
public struct CatalogEntry: Sendable, Hashable {
    public var provider: Provider
    public var origin: ProviderOrigin
    /// The file it was read from (presets: `Providers/NAME.xml`).
    public var source: String?
    /// Database ids of the servers, in the order of `provider.servers`.
    public var serverIDs: [Int64]
}

extension ProviderRecord {
    /// Decodes by column name directly: every command reads providers, and GRDB's
    /// Codable decoding costs more than the query.
    init(row: Row) throws {
        id = row["id"]
        origin = row["origin"]
        displayName = row["display_name"]
        shortName = row["short_name"]
        kind = row["kind"]
        notes = row["notes"]
        regionCode = row["region_code"]
        regionName = row["region_name"]
        clientConfigID = row["client_config_id"]
        documentation = row["documentation"]
        dnsRecords = row["dns_records"]
        extras = row["extras"]
        mxDomains = row["mx_domains"]
        services = row["services"]
        oauth2 = row["oauth2"]
        source = row["source"]
        contentHash = row["content_hash"]
        updatedAt = row["updated_at"]
    }
}

extension DomainRecord {
    init(row: Row) throws {
        providerID = row["provider_id"]
        domain = row["domain"]
        position = row["position"]
    }
}

extension ServerRecord {
    init(row: Row) throws {
        id = row["id"]
        providerID = row["provider_id"]
        position = row["position"]
        self.protocol = row["protocol"]
        description = row["description"]
        hostname = row["hostname"]
        port = row["port"]
        security = row["security"]
        authentication = row["authentication"]
        username = row["username"]
        url = row["url"]
        extras = row["extras"]
    }
}
