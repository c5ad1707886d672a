/// The protocol a server speaks. Thunderbird's clientConfig also knows Exchange-style
/// servers reached through a URL, and clientConfig 1.2 adds JMAP and ActiveSync;
/// mailconf keeps them so an imported file loses nothing.
public enum ServerProtocol: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    case smtp, imap, pop3
    case exchange, ews, owa, graph
    /// clientConfig 1.2 (draft-ietf-mailmaint-autoconfig-06): JMAP (RFC 8620) by its session URL.
    case jmap
    /// clientConfig 1.2: Exchange ActiveSync by its URL.
    case activeSync

    /// Outgoing for SMTP, incoming for everything else.
    public var role: ServerRole { self == .smtp ? .outgoing : .incoming }

    /// Servers of these protocols are addressed by a URL rather than host and port.
    public var isURLBased: Bool { [.ews, .owa, .graph, .jmap, .activeSync].contains(self) }

    /// Reads what a person types (any case; `pop` for POP3).
    public init(parsing text: String) throws(ValidationError) {
        let key = text.lowercased()
        if let p = ServerProtocol.allCases.first(where: { $0.rawValue.lowercased() == key }) { self = p; return }
        if key == "pop" { self = .pop3; return }
        throw ValidationError(field: "protocol", value: text, reason: "it is not a known protocol",
                              expected: "smtp, imap or pop3")
    }

    public var description: String { rawValue }
}

/// Incoming (reading mail) or outgoing (sending mail).
public enum ServerRole: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    case incoming, outgoing
    public var description: String { rawValue }
}

/// One way to reach one server: the unit mailconf lints, verifies and exports.
public struct ServerSetting: Hashable, Sendable, Codable {
    public var `protocol`: ServerProtocol
    /// One line that tells this setting apart from its alternatives.
    public var description: String?
    public var hostname: Hostname?
    public var port: Port?
    public var security: ConnectionSecurity?
    /// The ways to log in, in the provider's order of preference: generic methods,
    /// and the specific SASL mechanisms and HTTP schemes clientConfig 1.2 can name.
    /// Always holds a generic method a 1.1 reader knows (see `withLegacyFallback`).
    public var authenticationChoices: [AuthenticationChoice] {
        didSet { authenticationChoices = AuthenticationChoice.withLegacyFallback(authenticationChoices) }
    }
    /// Absent when the username is account-specific and the user supplies it.
    public var username: UsernameTemplate?
    /// For URL-based servers (EWS, OWA, Graph) and Exchange.
    public var url: String?
    /// clientConfig elements of this server that mailconf does not model (POP3 options,
    /// Exchange URLs, …), each the XML text of one element, so an export gives them back.
    public var clientConfigExtras: [String]

    public var role: ServerRole { self.protocol.role }

    /// The generic methods, which everything but clientConfig 1.2 speaks (lint, the
    /// validator, every other export, a 1.1 file): what a 1.1 reader finds in the list.
    /// Setting it replaces every choice.
    public var authentication: [AuthenticationMethod] {
        get { Self.generic(authenticationChoices) }
        set { authenticationChoices = newValue.map { .method($0) } }
    }

    /// The generic view of a list of choices (see `authentication`).
    public static func generic(_ choices: [AuthenticationChoice]) -> [AuthenticationMethod] {
        var read: [AuthenticationMethod] = []
        for c in choices {
            guard let m = c.legacyReading else { continue }
            if c.method != nil || !read.contains(m) { read.append(m) }
        }
        return read
    }

    public init(
        protocol: ServerProtocol,
        description: String? = nil,
        hostname: Hostname?,
        port: Port?,
        security: ConnectionSecurity?,
        authentication: [AuthenticationMethod],
        username: UsernameTemplate? = nil,
        url: String? = nil,
        clientConfigExtras: [String] = []
    ) throws(ValidationError) {
        try self.init(protocol: `protocol`, description: description, hostname: hostname, port: port, security: security,
                      choices: authentication.map { .method($0) }, username: username, url: url,
                      clientConfigExtras: clientConfigExtras)
    }

    public init(
        protocol: ServerProtocol,
        description: String? = nil,
        hostname: Hostname?,
        port: Port?,
        security: ConnectionSecurity?,
        choices: [AuthenticationChoice],
        username: UsernameTemplate? = nil,
        url: String? = nil,
        clientConfigExtras: [String] = []
    ) throws(ValidationError) {
        self.protocol = `protocol`
        self.description = description
        self.hostname = hostname
        self.port = port
        self.security = security
        // A list only 1.2 readers understand gets its generic families, as the draft advises.
        self.authenticationChoices = AuthenticationChoice.withLegacyFallback(choices)
        self.username = username
        self.url = url
        self.clientConfigExtras = clientConfigExtras
        try validate()
    }

    /// Checks the combination of fields; each single field was checked by its own type.
    public func validate() throws(ValidationError) {
        let what = "\(self.protocol) server"
        if let description {
            try TextField.check(description, field: "description", maxLength: 200)
        }
        if self.protocol.isURLBased {
            guard let url else {
                throw ValidationError(field: "url", value: "", reason: "a \(what) needs a URL",
                                      expected: "an https:// URL such as https://outlook.office365.com/ews/exchange.asmx")
            }
            try URLField.check(url, field: "url")
        } else {
            guard let hostname else {
                throw ValidationError(field: "hostname", value: "", reason: "a \(what) needs a hostname",
                                      expected: "a DNS name such as smtp.example.com")
            }
            _ = hostname
            if port == nil {
                throw ValidationError(field: "port", value: "", reason: "a \(what) needs a port",
                                      expected: "a whole number from 1 to 65535, such as 465 or 587")
            }
            if security == nil {
                throw ValidationError(field: "security", value: "", reason: "a \(what) needs a connection security",
                                      expected: "none, starttls or tls")
            }
            if let url { try URLField.check(url, field: "url") }
        }
        guard !authentication.isEmpty else {
            throw ValidationError(field: "authentication", value: authenticationChoices.map(\.description).joined(separator: ","),
                                  reason: "a \(what) needs at least one method that clientConfig 1.1 readers know",
                                  expected: "one or more of \(AuthenticationMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try AuthenticationChoice.check(authenticationChoices, urlBased: self.protocol.isURLBased, what: what)
        if role == .incoming, let outgoingOnly = authentication.first(where: \.isOutgoingOnly) {
            throw ValidationError(field: "authentication", value: outgoingOnly.rawValue,
                                  reason: "it applies to outgoing (SMTP) servers only",
                                  expected: "a method an incoming server can use, such as password-cleartext or oauth2")
        }
    }

    /// A short address for people: `smtp.gmail.com:465 SSL/TLS`.
    public var summary: String {
        if let hostname, let port {
            return "\(hostname):\(port) \(security?.label ?? "")".trimmingTrailingSpace()
        }
        return url ?? "(no address)"
    }
}

extension String {
    func trimmingTrailingSpace() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// Checks for free-text fields: one line, no control characters, bounded length.
public enum TextField {
    public static func check(_ text: String, field: String, maxLength: Int) throws(ValidationError) {
        if text.containsControlCharacter {
            throw ValidationError(field: field, value: text, reason: "it contains a line break or control character",
                                  expected: "one line of text")
        }
        if text.count > maxLength {
            throw ValidationError(field: field, value: text, reason: "it is longer than \(maxLength) characters",
                                  expected: "at most \(maxLength) characters")
        }
    }
}

/// Checks for URLs: http or https, no spaces or control characters.
public enum URLField {
    public static func check(_ text: String, field: String) throws(ValidationError) {
        let lower = text.lowercased()
        let expected = "an http:// or https:// URL without spaces"
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            throw ValidationError(field: field, value: text, reason: "it is not an http or https URL", expected: expected)
        }
        guard !text.containsControlCharacter, !text.contains(" ") else {
            throw ValidationError(field: field, value: text, reason: "it contains a space or control character", expected: expected)
        }
        guard text.utf8.count <= 2048 else {
            throw ValidationError(field: field, value: text, reason: "it is longer than 2048 octets", expected: expected)
        }
        let afterScheme = text[text.index(text.startIndex, offsetBy: lower.hasPrefix("https") ? 8 : 7)...]
        guard let first = afterScheme.first, first != "/" else {
            throw ValidationError(field: field, value: text, reason: "it has no host", expected: expected)
        }
    }
}
