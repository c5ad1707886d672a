/// A mailbox provider (Gmail, Fastmail, …) or a relay service (SendGrid, Amazon SES, …)
/// and every server setting it offers.
public struct Provider: Hashable, Sendable, Codable, Identifiable {
    /// Lowercase letters, digits, dots, hyphens and underscores: `gmail`, `amazon-ses-eu-west-1`,
    /// or an ISPDB file name such as `googlemail.com`.
    public var id: String
    public var displayName: String
    public var shortName: String?
    public var kind: ProviderKind
    /// Mail domains served, lowercased, in file order, without repeats.
    public var domains: [String]
    /// Domains of the provider's MX hosts (clientConfig 1.2 `<domain purpose="mx">`): an
    /// address whose MX lies under one of them is served by this provider.
    public var mxDomains: [String]
    public var documentation: [DocumentationLink]
    public var notes: String?
    public var region: Region?
    /// What a sending domain needs in DNS to use this relay.
    public var dnsRecords: [DNSRequirement]
    /// Incoming and outgoing settings, each in order of preference.
    public var servers: [ServerSetting]
    /// Calendars, address books and the other services of clientConfig 1.2, in file order.
    public var services: [ServiceSetting]
    /// The provider's OAuth 2.0 endpoints (clientConfig `<oAuth2>`).
    public var oauth2: OAuth2Settings?
    /// `emailProvider/@id` of the clientConfig file (not unique across the ISPDB).
    public var clientConfigID: String?
    /// clientConfig elements mailconf does not model (webMail, enable, …),
    /// kept so an export gives them back.
    public var clientConfigExtras: ClientConfigExtras

    public init(
        id: String, displayName: String, shortName: String? = nil, kind: ProviderKind,
        domains: [String], documentation: [DocumentationLink] = [], notes: String? = nil,
        region: Region? = nil, dnsRecords: [DNSRequirement] = [], servers: [ServerSetting],
        mxDomains: [String] = [], services: [ServiceSetting] = [], oauth2: OAuth2Settings? = nil,
        clientConfigID: String? = nil, clientConfigExtras: ClientConfigExtras = .init()
    ) throws(ValidationError) {
        self.id = try Self.checkID(id)
        try TextField.check(displayName, field: "display name", maxLength: 200)
        guard !displayName.isEmpty else {
            throw ValidationError(field: "display name", value: displayName, reason: "it is empty", expected: "a name such as Gmail")
        }
        self.displayName = displayName
        if let shortName { try TextField.check(shortName, field: "short name", maxLength: 100) }
        self.shortName = shortName
        self.kind = kind
        self.domains = try Self.checkDomains(domains, field: "domain")
        self.mxDomains = try Self.checkDomains(mxDomains, field: "MX domain")
        self.services = services
        self.oauth2 = oauth2
        self.documentation = documentation
        if let notes, notes.count > 4000 {
            throw ValidationError(field: "notes", value: notes, reason: "it is longer than 4000 characters",
                                  expected: "at most 4000 characters")
        }
        self.notes = notes
        self.region = region
        self.dnsRecords = dnsRecords
        self.servers = servers
        self.clientConfigID = clientConfigID
        self.clientConfigExtras = clientConfigExtras
    }

    /// DNS names, lowercased, in order, without repeats.
    static func checkDomains(_ domains: [String], field: String) throws(ValidationError) -> [String] {
        var seen = Set<String>()
        var checked: [String] = []
        for domain in domains {
            let host = try Hostname(domain)
            guard !host.isTemplate, !host.isIPAddress else {
                throw ValidationError(field: field, value: domain, reason: "it is not a DNS name",
                                      expected: field == "domain" ? "a mail domain such as example.com"
                                          : "the domain of an MX host, such as example.com for mx1.example.com")
            }
            if seen.insert(host.name).inserted { checked.append(host.name) }
        }
        return checked
    }

    /// Checks and normalises a provider id (lowercased).
    public static func checkID(_ id: String) throws(ValidationError) -> String {
        let lower = id.lowercased()
        let ok = !lower.isEmpty && lower.count <= 128
            && lower.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
            && (lower.first!.isLetter || lower.first!.isNumber)
        guard ok else {
            throw ValidationError(field: "provider id", value: id,
                                  reason: "it must start with a letter or digit and hold only letters, digits, '.', '-' and '_'",
                                  expected: "an id such as gmail or amazon-ses-eu-west-1 (at most 128 characters)")
        }
        return lower
    }

    public var incoming: [ServerSetting] { servers.filter { $0.role == .incoming } }
    public var outgoing: [ServerSetting] { servers.filter { $0.role == .outgoing } }
}

public enum ProviderKind: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Hosts people's mailboxes (Gmail, Fastmail, Microsoft 365, …).
    case mailbox
    /// Sends mail for applications and servers (SendGrid, Amazon SES, …).
    case relay
    public var description: String { rawValue }
}

/// A help page, with its title in one or more languages.
public struct DocumentationLink: Hashable, Sendable, Codable {
    public var url: String
    /// (language, text) pairs in file order; the language may be empty.
    public var descriptions: [LocalizedText]

    public init(url: String, descriptions: [LocalizedText] = []) throws(ValidationError) {
        try URLField.check(url, field: "documentation URL")
        self.url = url
        self.descriptions = descriptions
    }
}

public struct LocalizedText: Hashable, Sendable, Codable {
    public var language: String?
    public var text: String
    public init(language: String?, text: String) {
        self.language = language
        self.text = text
    }
}

/// The data-centre region of a relay or mailbox service.
public struct Region: Hashable, Sendable, Codable {
    public var code: String
    public var name: String?
    public init(code: String, name: String?) throws(ValidationError) {
        try TextField.check(code, field: "region", maxLength: 64)
        if let name { try TextField.check(name, field: "region name", maxLength: 200) }
        self.code = code
        self.name = name
    }
}

/// A DNS record a sending domain needs before mail sent through a relay is
/// authenticated (SPF include, DKIM keys, bounce domain, …).
public struct DNSRequirement: Hashable, Sendable, Codable {
    public enum Purpose: String, CaseIterable, Hashable, Sendable, Codable {
        case spf, dkim, dmarc, returnPath = "return-path", mx, tracking, verification
    }
    public var purpose: Purpose
    /// Record type: TXT, CNAME, MX.
    public var type: String
    /// Relative to the sending domain; `@` is the domain itself; `{curly}` parts are account-specific.
    public var name: String
    public var value: String
    public var required: Bool
    public var note: String?

    public init(purpose: Purpose, type: String, name: String, value: String, required: Bool, note: String? = nil) throws(ValidationError) {
        let upper = type.uppercased()
        guard ["TXT", "CNAME", "MX"].contains(upper) else {
            throw ValidationError(field: "DNS record type", value: type, reason: "it is not supported",
                                  expected: "TXT, CNAME or MX")
        }
        try TextField.check(name, field: "DNS record name", maxLength: 255)
        try TextField.check(value, field: "DNS record value", maxLength: 2048)
        if let note { try TextField.check(note, field: "DNS record note", maxLength: 500) }
        self.purpose = purpose
        self.type = upper
        self.name = name
        self.value = value
        self.required = required
        self.note = note
    }
}

/// clientConfig elements mailconf keeps without modelling them, each as the XML text
/// of one element, in file order.
public struct ClientConfigExtras: Hashable, Sendable, Codable {
    /// Children of `emailProvider` (webMail, enable, instruction, inputField, …).
    public var emailProvider: [String]
    /// Children of `clientConfig` beside `emailProvider` (clientConfigUpdate, sections of
    /// types mailconf does not know, …).
    public var clientConfig: [String]
    public init(emailProvider: [String] = [], clientConfig: [String] = []) {
        self.emailProvider = emailProvider
        self.clientConfig = clientConfig
    }
    public var isEmpty: Bool { emailProvider.isEmpty && clientConfig.isEmpty }

    enum CodingKeys: String, CodingKey { case emailProvider, clientConfig }

    /// Missing lists read as empty, so `{}` is the empty value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        emailProvider = try c.decodeIfPresent([String].self, forKey: .emailProvider) ?? []
        clientConfig = try c.decodeIfPresent([String].self, forKey: .clientConfig) ?? []
    }
}
