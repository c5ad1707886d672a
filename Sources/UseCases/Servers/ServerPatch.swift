import MailSettings

/// The typed change a ``ServerFieldText`` asks for: each given field checked by the
/// model (its message names the field, the value and what is accepted), the rest left
/// as they are. The one parse and the one patch of a server for the CLI and the admin API.
package struct ServerPatch: Sendable, Equatable {
    package var `protocol`: ServerProtocol?
    package var hostname: Hostname?
    package var port: Port?
    package var security: ConnectionSecurity?
    package var authentication: [AuthenticationChoice]?
    package var username: UsernameTemplate?
    package var clearUsername = false
    package var description: String?

    /// Parses the given fields in the order a form shows them; the first refusal is thrown.
    package init(parsing text: ServerFieldText) throws(ValidationError) {
        `protocol` = try text.protocol.map { p throws(ValidationError) in try ServerProtocol(parsing: p) }
        hostname = try text.hostname.map { h throws(ValidationError) in try Hostname(h) }
        port = try text.port.map { p throws(ValidationError) in try Port(parsing: p) }
        security = try text.security.map { s throws(ValidationError) in try ConnectionSecurity(parsing: s) }
        authentication = try text.authentication.map { lists throws(ValidationError) in
            try ServerFieldText.names(lists).map { n throws(ValidationError) in try AuthenticationChoice(parsing: n) }
        }
        username = try text.username.map { u throws(ValidationError) in try UsernameTemplate(u) }
        clearUsername = text.clearUsername
        description = text.description
    }

    /// `old` with the given fields changed; an empty description removes it.
    package func applied(to old: ServerSetting) -> ServerSetting {
        var s = old
        if let `protocol` { s.protocol = `protocol` }
        if let hostname { s.hostname = hostname }
        if let port { s.port = port }
        if let security { s.security = security }
        if let authentication { s.authenticationChoices = authentication }
        if let username { s.username = username }
        if clearUsername { s.username = nil }
        if let description { s.description = description.isEmpty ? nil : description }
        return s
    }

    /// The fields a new server must have and does not: "hostname", "port", "security",
    /// "authentication", in that order.
    package var missingForNewServer: [String] {
        [("hostname", hostname == nil), ("port", port == nil), ("security", security == nil),
         ("authentication", authentication == nil)].filter(\.1).map(\.0)
    }

    /// A new server from these fields (SMTP unless a protocol is given).
    package func newServer() throws(ValidationError) -> ServerSetting {
        if let field = missingForNewServer.first {
            throw ValidationError(field: field, value: "", reason: "it is missing", expected: "the server's \(field)")
        }
        return try ServerSetting(protocol: `protocol` ?? .smtp, description: description, hostname: hostname, port: port,
                                 security: security, choices: authentication ?? [], username: clearUsername ? nil : username)
    }
}
