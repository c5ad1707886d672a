import ArgumentParser
import Catalog
import UseCases

struct ServersList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List your own servers (presets: 'mailconf providers show ID')."
    )

    @Option(help: "Only the servers of this provider of yours.")
    var provider: String?

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let servers = try attempt { try catalog.open().userServers(providerID: provider) }
        if output.json {
            Output.json(servers.map(ServerJSON.init))
            return
        }
        guard !servers.isEmpty else {
            print("No servers of your own yet. Add one with 'mailconf servers add --provider NAME --host … --port … --security … --auth …'.")
            return
        }
        print(Output.table(["#", "PROVIDER", "PROTOCOL", "HOST", "PORT", "SECURITY", "AUTHENTICATION", "USERNAME", "NOTE"], servers.map { u in
            let s = u.server
            return ["#\(u.id)", u.providerID, s.protocol.rawValue.uppercased(), s.hostname?.name ?? "", s.port?.description ?? "",
                    s.security?.label ?? "", s.authentication.map(\.rawValue).joined(separator: ", "), s.username?.text ?? "",
                    s.description ?? ""]
        }))
    }
}
