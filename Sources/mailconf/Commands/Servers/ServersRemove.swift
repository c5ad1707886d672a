import ArgumentParser
import Catalog
import UseCases

struct ServersRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove one of your own servers.",
        discussion: "A provider of yours left with no server is removed too, unless an organisation domain still uses it."
    )

    @Argument(help: "Server id, as 'mailconf servers list' shows it.")
    var id: String

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let serverID = try parseServerID(id)
        try attempt { try ServerEdits(catalog: try catalog.open()).remove(id: serverID) }
        if output.json {
            struct Removed: Encodable { var removed: Int64 }
            Output.json(Removed(removed: serverID))
        } else {
            print("Removed server #\(serverID).")
        }
    }
}
