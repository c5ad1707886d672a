import Foundation
import MailSettings

/// Where a provider came from. Presets are refreshed by `catalog update`; imported
/// and user rows are never touched by it.
public enum ProviderOrigin: String, Codable, Sendable, CaseIterable {
    case preset, imported, user
}

// Rows as plain structs, one per table, read by column name.

struct ProviderRecord: Sendable {
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
}

struct DomainRecord: Sendable {
    var providerID: String
    var domain: String
    var position: Int
}

struct ServerRecord: Sendable {
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
}

struct OrgDomainRecord: Sendable {
    var domain: String
    var providerID: String
    var createdAt: Date
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

extension ProviderOrigin {
    init(row: SQLRow, column: String = "origin") throws(SQLColumnError) {
        let text = try row.string(column)
        guard let origin = ProviderOrigin(rawValue: text) else { throw SQLColumnError(column: column, found: "'\(text)'") }
        self = origin
    }
}

extension ProviderRecord {
    init(row: SQLRow) throws(SQLColumnError) {
        id = try row.string("id")
        origin = try ProviderOrigin(row: row)
        displayName = try row.string("display_name")
        shortName = try row.optionalString("short_name")
        kind = try row.string("kind")
        notes = try row.optionalString("notes")
        regionCode = try row.optionalString("region_code")
        regionName = try row.optionalString("region_name")
        clientConfigID = try row.optionalString("client_config_id")
        documentation = try row.string("documentation")
        dnsRecords = try row.string("dns_records")
        extras = try row.string("extras")
        mxDomains = try row.string("mx_domains")
        services = try row.string("services")
        oauth2 = try row.optionalString("oauth2")
        source = try row.optionalString("source")
        contentHash = try row.string("content_hash")
        updatedAt = try row.date("updated_at")
    }
}

extension DomainRecord {
    init(row: SQLRow) throws(SQLColumnError) {
        providerID = try row.string("provider_id")
        domain = try row.string("domain")
        position = try row.int("position")
    }
}

extension ServerRecord {
    init(row: SQLRow) throws(SQLColumnError) {
        id = try row.int64("id")
        providerID = try row.string("provider_id")
        position = try row.int("position")
        self.protocol = try row.string("protocol")
        description = try row.optionalString("description")
        hostname = try row.optionalString("hostname")
        port = try row.optionalInt("port")
        security = try row.optionalString("security")
        authentication = try row.string("authentication")
        username = try row.optionalString("username")
        url = try row.optionalString("url")
        extras = try row.string("extras")
    }
}

extension OrgDomainRecord {
    init(row: SQLRow) throws(SQLColumnError) {
        domain = try row.string("domain")
        providerID = try row.string("provider_id")
        createdAt = try row.date("created_at")
    }
}
