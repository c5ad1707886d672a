/// A service beside mail that clientConfig 1.2 can set up for the same account
/// (draft-ietf-mailmaint-autoconfig-06, "Server sections"): calendars, address books,
/// file sharing, chat, video conferences, and the server that manages Sieve filters.
/// Mail clients use none of these to send or read mail; mailconf keeps and serves them.
public struct ServiceSetting: Hashable, Sendable, Codable {
    /// The clientConfig element, which says what the service is for.
    public enum Section: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
        case calendar, addressbook, fileShare, chatServer, videoConference, setupServer
        public var description: String { rawValue }
    }

    /// A protocol of the draft's registry: which section it belongs to, and whether it
    /// is reached by a URL or by host and port.
    public struct Kind: Hashable, Sendable {
        public var section: Section
        public var type: String
        public var isURLBased: Bool

        /// The draft's initial registry, beside the mail protocols.
        public static let registry: [Kind] = [
            Kind(section: .calendar, type: "caldav", isURLBased: true),
            Kind(section: .addressbook, type: "carddav", isURLBased: true),
            Kind(section: .fileShare, type: "webdav", isURLBased: true),
            Kind(section: .chatServer, type: "xmpp", isURLBased: true),
            Kind(section: .chatServer, type: "xmpptcp", isURLBased: false),
            Kind(section: .chatServer, type: "matrix", isURLBased: true),
            Kind(section: .setupServer, type: "managesieve", isURLBased: false),
        ]

        /// The registered kind for this section and type (types compared without case), or nil.
        public static func find(section: Section, type: String) -> Kind? {
            registry.first { $0.section == section && $0.type == type.lowercased() }
        }
    }

    public var section: Section
    /// The registered protocol name, lowercase: `caldav`, `managesieve`, …
    public var type: String
    public var url: String?
    public var hostname: Hostname?
    public var port: Port?
    public var security: ConnectionSecurity?
    public var authenticationChoices: [AuthenticationChoice]
    public var username: UsernameTemplate?

    public var kind: Kind? { Kind.find(section: section, type: type) }

    public init(section: Section, type: String, url: String? = nil, hostname: Hostname? = nil, port: Port? = nil,
                security: ConnectionSecurity? = nil, authentication: [AuthenticationChoice],
                username: UsernameTemplate? = nil) throws(ValidationError) {
        guard let kind = Kind.find(section: section, type: type) else {
            let known = Kind.registry.filter { $0.section == section }.map(\.type)
            throw ValidationError(field: "\(section) type", value: type, reason: "it is not a protocol registered for <\(section)>",
                                  expected: known.isEmpty ? "none is registered yet" : known.joined(separator: " or "))
        }
        let what = "\(section) server (\(kind.type))"
        if kind.isURLBased {
            guard let url else {
                throw ValidationError(field: "url", value: "", reason: "a \(what) needs a URL",
                                      expected: "a URL such as https://dav.example.com/")
            }
            try ServiceURL.check(url)
        } else {
            guard hostname != nil, port != nil, security != nil else {
                throw ValidationError(field: hostname == nil ? "hostname" : port == nil ? "port" : "security", value: "",
                                      reason: "a \(what) needs a hostname, a port and a socketType",
                                      expected: "all three, such as sieve.example.com, 4190, STARTTLS")
            }
        }
        guard !authentication.isEmpty else {
            throw ValidationError(field: "authentication", value: "", reason: "a \(what) needs at least one method",
                                  expected: "OAuth2, http:Basic, password-cleartext, …")
        }
        try AuthenticationChoice.check(authentication, urlBased: kind.isURLBased, what: what)
        self.section = section
        self.type = kind.type
        self.url = kind.isURLBased ? url : nil
        self.hostname = kind.isURLBased ? nil : hostname
        self.port = kind.isURLBased ? nil : port
        self.security = kind.isURLBased ? nil : security
        self.authenticationChoices = AuthenticationChoice.withLegacyFallback(authentication)
        self.username = username
    }
}

/// URLs of services beside mail: https, or wss for XMPP over WebSocket (RFC 7395).
public enum ServiceURL {
    public static func check(_ text: String) throws(ValidationError) {
        let lower = text.lowercased()
        if lower.hasPrefix("wss://") {
            // The same rules as https, for the other scheme.
            do { try URLField.check("https://" + text.dropFirst(6), field: "url") } catch {
                throw ValidationError(field: "url", value: text, reason: error.reason, expected: "a wss:// or https:// URL without spaces")
            }
        } else {
            try URLField.check(text, field: "url")
        }
    }
}
