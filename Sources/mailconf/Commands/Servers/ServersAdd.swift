import ArgumentParser
import Catalog
import MailSettings
import UseCases

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
        let patch = try fields.patch()
        guard patch.hostname != nil else { throw ArgumentParser.ValidationError("--host is required") }
        guard patch.port != nil else { throw ArgumentParser.ValidationError("--port is required (465 for SSL/TLS, 587 for STARTTLS)") }
        guard patch.security != nil else { throw ArgumentParser.ValidationError("--security is required: none, starttls or tls") }
        guard patch.authentication != nil else { throw ArgumentParser.ValidationError("--auth is required, such as --auth password-cleartext or --auth none") }
        let server = try usage { () throws(MailSettings.ValidationError) in try patch.newServer() }
        let stored = try attempt {
            try ServerEdits(catalog: try catalog.open()).add(server, toProvider: provider, displayName: name, domains: domains)
        }
        if output.json {
            struct Added: Encodable { var id: Int64; var provider: String }
            Output.json(Added(id: stored.id, provider: stored.providerID))
        } else {
            print("Added server #\(stored.id) (\(server.summary)) to \(stored.providerID).")
        }
    }
}
