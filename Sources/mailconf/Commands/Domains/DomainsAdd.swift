import ArgumentParser
import Catalog

struct DomainsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Map a mail domain to a provider (a preset or one of yours).",
        discussion: "Example: mailconf domains add example.org --provider google-workspace"
    )

    @Argument(help: "The mail domain, such as example.org.")
    var domain: String

    @Option(help: "Provider id (or a domain or address it serves).")
    var provider: String

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let cat = try catalog.open()
        try attempt { try cat.addOrganisationDomain(domain, providerID: provider) }
        let added = try attempt { try cat.organisationDomains() }.first { $0.domain == domain.lowercased() }
        if output.json {
            Output.json(added)
        } else if let added {
            print("\(added.domain) → \(added.providerID)")
        }
    }
}
