import ArgumentParser
import Catalog
import UseCases

struct ServersEdit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change one of your own servers; only the options given change.",
        discussion: "Example: mailconf servers edit 12 --port 465 --security tls"
    )

    @Argument(help: "Server id, as 'mailconf servers list' shows it (with or without '#').")
    var id: String

    @OptionGroup var fields: ServerFields

    @Flag(help: "Remove the username (the user then supplies it).")
    var clearUsername = false

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let serverID = try parseServerID(id)
        let patch = try fields.patch(clearUsername: clearUsername)
        let updated = try attempt { try ServerEdits(catalog: try catalog.open()).edit(id: serverID, patch) }.server
        if output.json {
            struct Edited: Encodable { var id: Int64; var summary: String }
            Output.json(Edited(id: serverID, summary: updated.summary))
        } else {
            print("Server #\(serverID) is now \(updated.summary).")
        }
    }
}

func parseServerID(_ text: String) throws -> Int64 {
    let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
    guard let id = Int64(digits), id > 0 else {
        throw ArgumentParser.ValidationError("server id '\(text)' is not a number; 'mailconf servers list' shows the ids")
    }
    return id
}
