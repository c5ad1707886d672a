/// A server's fields as the user typed them: command-line options, a JSON body or a
/// form. Absent (nil) fields are not given; ``ServerPatch`` parses them, once, for
/// every adapter.
package struct ServerFieldText: Sendable, Equatable {
    package var `protocol`: String?
    package var hostname: String?
    package var port: String?
    package var security: String?
    /// Ways to log in, best first; each entry may hold several names separated by commas
    /// or white space ("password-cleartext, oauth2").
    package var authentication: [String]?
    package var username: String?
    /// Remove the username (the user then supplies it).
    package var clearUsername: Bool
    /// An empty description removes it.
    package var description: String?

    package init(protocol: String? = nil, hostname: String? = nil, port: String? = nil, security: String? = nil,
                 authentication: [String]? = nil, username: String? = nil, clearUsername: Bool = false,
                 description: String? = nil) {
        self.protocol = `protocol`
        self.hostname = hostname
        self.port = port
        self.security = security
        self.authentication = authentication
        self.username = username
        self.clearUsername = clearUsername
        self.description = description
    }

    /// The names in `lists`, split on commas and white space, empty ones dropped:
    /// `["plain,login", "oauth2 gssapi"]` → `["plain", "login", "oauth2", "gssapi"]`.
    package static func names(_ lists: [String]) -> [String] {
        lists.flatMap { $0.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init) }
    }
}
