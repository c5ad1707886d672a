import Catalog
import MailSettings

/// The stable JSON shape of a provider (snake_case keys).
struct ProviderJSON: Encodable {
    struct Server: Encodable {
        var id: Int64?
        var role: String
        var `protocol`: String
        var description: String?
        var hostname: String?
        var port: Int?
        var security: String?
        /// The generic methods (what 1.1 readers and every other export use).
        var authentication: [String]
        /// Every way to log in, in order: generic methods, `sasl:NAME`, `http:SCHEME`.
        var authenticationChoices: [String]
        var username: String?
        var url: String?
        var lastVerified: VerificationRecord?
    }
    struct Link: Encodable {
        var url: String
        var descriptions: [LocalizedText]
    }
    var id: String
    var displayName: String
    var shortName: String?
    var kind: String
    var origin: String
    var domains: [String]
    var mxDomains: [String]
    var region: Region?
    var notes: String?
    var documentation: [Link]
    var dnsRecords: [DNSRequirement]
    var servers: [Server]
    var services: [Service]
    var oauth2: OAuth2Settings?
    var source: String?

    /// A calendar, address book or other service beside mail (clientConfig 1.2).
    struct Service: Encodable {
        var section: String
        var type: String
        var url: String?
        var hostname: String?
        var port: Int?
        var security: String?
        var authenticationChoices: [String]
        var username: String?
    }

    init(_ e: CatalogEntry, verifications: [String: VerificationRecord] = [:]) {
        let p = e.provider
        id = p.id
        displayName = p.displayName
        shortName = p.shortName
        kind = p.kind.rawValue
        origin = e.origin.rawValue
        domains = p.domains
        mxDomains = p.mxDomains
        region = p.region
        notes = p.notes
        documentation = p.documentation.map { Link(url: $0.url, descriptions: $0.descriptions) }
        dnsRecords = p.dnsRecords
        source = e.source
        servers = zip(p.servers.indices, p.servers).map { i, s in
            Server(id: i < e.serverIDs.count ? e.serverIDs[i] : nil, role: s.role.rawValue, protocol: s.protocol.rawValue,
                   description: s.description, hostname: s.hostname?.name, port: s.port.map { Int($0.value) },
                   security: s.security?.rawValue, authentication: s.authentication.map(\.rawValue),
                   authenticationChoices: s.authenticationChoices.map(\.description),
                   username: s.username?.text, url: s.url, lastVerified: verifications[s.summary])
        }
        services = p.services.map { s in
            Service(section: s.section.rawValue, type: s.type, url: s.url, hostname: s.hostname?.name,
                    port: s.port.map { Int($0.value) }, security: s.security?.rawValue,
                    authenticationChoices: s.authenticationChoices.map(\.description), username: s.username?.text)
        }
        oauth2 = p.oauth2
    }
}

/// One line per provider, for lists.
struct ProviderSummaryJSON: Encodable {
    var id: String
    var displayName: String
    var kind: String
    var origin: String
    var domains: [String]
    var servers: Int

    init(_ e: CatalogEntry) {
        id = e.provider.id
        displayName = e.provider.displayName
        kind = e.provider.kind.rawValue
        origin = e.origin.rawValue
        domains = e.provider.domains
        servers = e.provider.servers.count
    }
}
