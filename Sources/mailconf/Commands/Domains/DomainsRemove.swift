import ArgumentParser
import Catalog

struct DomainsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop answering for a mail domain.")

    @Argument(help: "The mail domain.")
    var domain: String

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        try attempt { try catalog.open().removeOrganisationDomain(domain) }
        if output.json {
            struct Removed: Encodable { var removed: String }
            Output.json(Removed(removed: domain.lowercased()))
        } else {
            print("Removed \(domain.lowercased()).")
        }
    }
}
