import ArgumentParser
import Catalog
import UseCases

struct DomainsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List organisation domains and their providers.")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let domains = try attempt { try DomainMapping(catalog: try catalog.open()).list() }
        if output.json {
            Output.json(domains)
            return
        }
        guard !domains.isEmpty else {
            print("No organisation domains yet. Add one with 'mailconf domains add DOMAIN --provider ID'.")
            return
        }
        print(Output.table(["DOMAIN", "PROVIDER"], domains.map { [$0.domain, $0.providerID] }))
    }
}
