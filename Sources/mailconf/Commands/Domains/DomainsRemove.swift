import ArgumentParser
import Catalog
import UseCases

struct DomainsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop answering for a mail domain.")

    @Argument(help: "The mail domain.")
    var domain: String

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let removed = try attempt { try DomainMapping(catalog: try catalog.open()).remove(domain) }
        if output.json {
            struct Removed: Encodable { var removed: String }
            Output.json(Removed(removed: removed))
        } else {
            print("Removed \(removed).")
        }
    }
}
