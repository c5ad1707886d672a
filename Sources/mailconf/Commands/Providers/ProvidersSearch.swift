import ArgumentParser
import Catalog
import Failures

struct ProvidersSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find providers by id, name, domain or host name, best match first."
    )

    @Argument(help: "Text to look for, such as 'ses', 'outlook' or 'gmx.net'.")
    var text: String

    @Option(help: "At most this many results.")
    var limit = 20

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let found = try attempt { try catalog.open().search(text, limit: limit) }
        if output.json {
            Output.json(found.map(ProviderSummaryJSON.init))
            return
        }
        guard !found.isEmpty else {
            throw CLIError(kind: .noMatch, message: "nothing in the catalog matches '\(text)'; 'mailconf providers list' shows everything")
        }
        print(Output.table(["ID", "NAME", "KIND", "ORIGIN", "DOMAINS"], found.map { e in
            [e.provider.id, e.provider.displayName, e.provider.kind.rawValue, e.origin.rawValue, ProvidersList.domains(e.provider.domains)]
        }))
    }
}
