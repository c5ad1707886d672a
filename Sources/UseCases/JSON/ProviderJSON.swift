import Catalog
import MailSettings

/// A provider as JSON: `mailconf providers show --json`, and the admin API's
/// `GET /providers` (without `servers`) and `GET /providers/{id}`. One shape, documented
/// in docs/json.md; its keys are snake_case whatever the encoder's key strategy.
package struct ProviderJSON: Codable, Sendable {
    package var id: String
    package var displayName: String
    package var shortName: String?
    /// `mailbox` or `relay`.
    package var kind: String
    /// `preset`, `imported` or `user`.
    package var origin: String
    package var domains: [String]
    package var mxDomains: [String]
    package var region: Region?
    package var notes: String?
    package var documentation: [Link]
    package var dnsRecords: [DNSRequirement]
    /// Absent in lists of providers.
    package var servers: [ServerJSON]?
    package var services: [Service]
    package var oauth2: OAuth2?
    package var source: String?

    enum CodingKeys: String, CodingKey {
        case id, displayName = "display_name", shortName = "short_name", kind, origin, domains, mxDomains = "mx_domains"
        case region, notes, documentation, dnsRecords = "dns_records", servers, services, oauth2, source
    }

    /// - withServers: false for a list, where `servers` is left out.
    package init(_ e: CatalogEntry, verifications: [String: VerificationRecord] = [:], withServers: Bool = true) {
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
        servers = withServers ? zip(p.servers.indices, p.servers).map { i, s in
            ServerJSON(s, id: i < e.serverIDs.count ? e.serverIDs[i] : nil, lastVerified: verifications[s.summary])
        } : nil
        services = p.services.map(Service.init)
        oauth2 = p.oauth2.map(OAuth2.init)
    }

    package struct Link: Codable, Sendable {
        package var url: String
        package var descriptions: [LocalizedText]
    }

    /// A calendar, address book or other service beside mail (clientConfig 1.2).
    package struct Service: Codable, Sendable {
        package var section: String
        package var type: String
        package var url: String?
        package var hostname: String?
        package var port: Int?
        package var security: String?
        package var authenticationChoices: [String]
        package var username: String?

        enum CodingKeys: String, CodingKey {
            case section, type, url, hostname, port, security, authenticationChoices = "authentication_choices", username
        }

        init(_ s: ServiceSetting) {
            section = s.section.rawValue
            type = s.type
            url = s.url
            hostname = s.hostname?.name
            port = s.port.map { Int($0.value) }
            security = s.security?.rawValue
            authenticationChoices = s.authenticationChoices.map(\.description)
            username = s.username?.text
        }
    }

    /// Where a mail client signs its user in with OAuth 2.0.
    package struct OAuth2: Codable, Sendable {
        package var authURL: String?
        package var tokenURL: String?
        package var issuer: String?
        package var scope: String?
        package var clientID: String?

        enum CodingKeys: String, CodingKey {
            case authURL = "auth_url", tokenURL = "token_url", issuer, scope, clientID = "client_id"
        }

        init(_ o: OAuth2Settings) {
            authURL = o.authURL
            tokenURL = o.tokenURL
            issuer = o.issuer
            scope = o.scope
            clientID = o.clientID
        }
    }
}
