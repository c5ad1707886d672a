import ArgumentParser
import Catalog
import MailSettings

struct CatalogInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show the catalog's path and what it holds.")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let cat = try catalog.open()
        let entries = try attempt { try cat.entries() }
        let domains = try attempt { try cat.organisationDomains() }
        struct Info: Encodable {
            var path: String; var presets: Int; var imported: Int; var user: Int; var servers: Int; var organisationDomains: Int
        }
        let info = Info(path: cat.path,
                        presets: entries.filter { $0.origin == .preset }.count,
                        imported: entries.filter { $0.origin == .imported }.count,
                        user: entries.filter { $0.origin == .user }.count,
                        servers: entries.reduce(0) { $0 + $1.provider.servers.count },
                        organisationDomains: domains.count)
        if output.json { Output.json(info); return }
        print("""
        catalog:               \(info.path)
        preset providers:      \(info.presets)
        imported providers:    \(info.imported)
        your providers:        \(info.user)
        servers in all:        \(info.servers)
        organisation domains:  \(info.organisationDomains)
        """)
    }
}
