import ArgumentParser
import Catalog
import UseCases

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
        let added = try attempt { try DomainMapping(catalog: try catalog.open()).add(domain, provider: provider) }
        if output.json {
            Output.json(added)
        } else {
            print("\(added.domain) → \(added.providerID)")
        }
    }
}
