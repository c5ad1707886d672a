import ArgumentParser
import Catalog
import Foundation
import MailSettings

struct ServersAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add one of your own servers.",
        discussion: """
        Example:
          mailconf servers add --provider office-relay --host smtp.office.example \\
              --port 587 --security starttls --auth password-cleartext --username %EMAILADDRESS%

        The provider id is created on first use and holds all your servers of one kind; \
        map a domain to it with 'mailconf domains add DOMAIN --provider ID'.
        """
    )

    @Option(help: "Your provider id to add the server to (letters, digits, '-', '.', '_'); created when new.")
    var provider: String

    @Option(help: "Display name for a new provider.")
    var name: String?

    @Option(name: .customLong("domain"), help: "A mail domain this provider serves (repeatable).")
    var domains: [String] = []

    @OptionGroup var fields: ServerFields
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        guard let host = try fields.parsedHost() else { throw ArgumentParser.ValidationError("--host is required") }
        guard let port = try fields.parsedPort() else { throw ArgumentParser.ValidationError("--port is required (465 for SSL/TLS, 587 for STARTTLS)") }
        guard let security = try fields.parsedSecurity() else { throw ArgumentParser.ValidationError("--security is required: none, starttls or tls") }
        guard let auth = try fields.parsedAuth() else { throw ArgumentParser.ValidationError("--auth is required, such as --auth password-cleartext or --auth none") }
        let server = try usage { () throws(MailSettings.ValidationError) in
            try ServerSetting(protocol: try fields.parsedProtocolOrSMTP(), description: fields.description, hostname: host,
                              port: port, security: security, choices: auth, username: try fields.parsedUsernameTyped())
        }
        let id = try attempt { try catalog.open().addServer(server, toProvider: provider, displayName: name, domains: domains) }
        if output.json {
            struct Added: Encodable { var id: Int64; var provider: String }
            Output.json(Added(id: id, provider: provider.lowercased()))
        } else {
            print("Added server #\(id) (\(server.summary)) to \(provider.lowercased()).")
        }
    }
}

extension ServerFields {
    func parsedProtocolOrSMTP() throws(MailSettings.ValidationError) -> ServerProtocol {
        try serverProtocol.map { p throws(MailSettings.ValidationError) in try ServerProtocol(parsing: p) } ?? .smtp
    }
    func parsedUsernameTyped() throws(MailSettings.ValidationError) -> UsernameTemplate? {
        guard let username else { return nil }
        return try UsernameTemplate(username)
    }
}
