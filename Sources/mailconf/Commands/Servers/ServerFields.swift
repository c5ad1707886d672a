import ArgumentParser
import MailSettings
import UseCases

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

    /// The options as typed, for the one parse every adapter shares.
    var text: ServerFieldText {
        ServerFieldText(protocol: serverProtocol, hostname: host, port: port, security: security,
                        authentication: auth.isEmpty ? nil : auth, username: username, description: description)
    }

    /// The options parsed by the model; a value it refuses is a usage error (exit status 2).
    func patch(clearUsername: Bool = false) throws -> ServerPatch {
        var text = text
        text.clearUsername = clearUsername
        return try usage { () throws(MailSettings.ValidationError) in try ServerPatch(parsing: text) }
    }
}

/// Turns a model refusal of a command-line value into a usage error (exit status 2).
func usage<T>(_ body: () throws(MailSettings.ValidationError) -> T) throws -> T {
    do { return try body() } catch { throw ArgumentParser.ValidationError(error.description) }
}
