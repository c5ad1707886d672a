import ArgumentParser
import MailSettings

/// The fields of a server setting as command-line options. Each value is checked by
/// the model, whose message names the field, the value and what is accepted.
struct ServerFields: ParsableArguments {
    @Option(name: .customLong("protocol"), help: "smtp (default for a new server), imap or pop3.")
    var serverProtocol: String?

    @Option(name: [.customLong("host"), .customLong("hostname")], help: "Host name or IP address, such as smtp.example.com.")
    var host: String?

    @Option(help: "TCP port, 1–65535 (SMTP: 465 implicit TLS, 587 STARTTLS).")
    var port: String?

    @Option(help: "Connection security: none, starttls or tls (SSL/TLS from the first byte).")
    var security: String?

    @Option(name: .customLong("auth"), parsing: .singleValue,
            help: "Authentication, in order of preference; repeat or separate with commas: none, password-cleartext (PLAIN/LOGIN), password-encrypted (CRAM-MD5), oauth2, gssapi, ntlm, client-certificate; or a SASL mechanism for clientConfig 1.2, such as sasl:SCRAM-SHA-256 (its generic method follows it where none is given).")
    var auth: [String] = []

    @Option(help: "Username or template: %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%, or a literal such as apikey.")
    var username: String?

    @Option(help: "One line that tells this server apart from others.")
    var description: String?

    func parsedProtocol() throws -> ServerProtocol? {
        try serverProtocol.map { p in try usage { () throws(MailSettings.ValidationError) in try ServerProtocol(parsing: p) } }
    }
    func parsedHost() throws -> Hostname? { try host.map { h in try usage { () throws(MailSettings.ValidationError) in try Hostname(h) } } }
    func parsedPort() throws -> Port? { try port.map { p in try usage { () throws(MailSettings.ValidationError) in try Port(parsing: p) } } }
    func parsedSecurity() throws -> ConnectionSecurity? {
        try security.map { s in try usage { () throws(MailSettings.ValidationError) in try ConnectionSecurity(parsing: s) } }
    }
    func parsedAuth() throws -> [AuthenticationChoice]? {
        guard !auth.isEmpty else { return nil }
        let names = auth.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        return try names.map { n in try usage { () throws(MailSettings.ValidationError) in try AuthenticationChoice(parsing: n) } }
    }
    func parsedUsername() throws -> UsernameTemplate? {
        try usage { () throws(MailSettings.ValidationError) in try parsedUsernameTyped() }
    }
}

/// Turns a model refusal of a command-line value into a usage error (exit status 2).
func usage<T>(_ body: () throws(MailSettings.ValidationError) -> T) throws -> T {
    do { return try body() } catch { throw ArgumentParser.ValidationError(error.description) }
}
