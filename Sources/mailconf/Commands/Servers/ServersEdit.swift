import ArgumentParser
import Catalog
import MailSettings

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
        let proto = try fields.parsedProtocol()
        let host = try fields.parsedHost()
        let port = try fields.parsedPort()
        let security = try fields.parsedSecurity()
        let auth = try fields.parsedAuth()
        let username = try fields.parsedUsername()
        let description = fields.description
        let clear = clearUsername
        let updated = try attempt {
            try catalog.open().editServer(id: serverID) { old throws(MailSettings.ValidationError) in
                var s = old
                if let proto { s.protocol = proto }
                if let host { s.hostname = host }
                if let port { s.port = port }
                if let security { s.security = security }
                if let auth { s.authenticationChoices = auth }
                if let username { s.username = username }
                if clear { s.username = nil }
                if let description { s.description = description.isEmpty ? nil : description }
                return s
            }
        }
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
