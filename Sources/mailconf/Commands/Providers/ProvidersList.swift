import ArgumentParser
import Catalog
import MailSettings

struct ProvidersList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the providers in the catalog.",
        discussion: "Presets ship with mailconf; imported ones come from 'mailconf import'; user ones from 'mailconf servers add'."
    )

    @Option(help: "Only this kind: mailbox (Gmail, Fastmail, …) or relay (SendGrid, Amazon SES, …).")
    var kind: ProviderKind?

    @Option(help: "Only this origin: preset, imported or user.")
    var origin: ProviderOrigin?

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let entries = try attempt { try catalog.open().entries(kind: kind) }.filter { origin == nil || $0.origin == origin }
        if output.json {
            Output.json(entries.map(ProviderSummaryJSON.init))
            return
        }
        let rows = entries.map { e in
            [e.provider.id, e.provider.displayName, e.provider.kind.rawValue, e.origin.rawValue,
             Self.domains(e.provider.domains)]
        }
        print(Output.table(["ID", "NAME", "KIND", "ORIGIN", "DOMAINS"], rows))
        print("\(entries.count) provider\(entries.count == 1 ? "" : "s"). Details: mailconf providers show ID")
    }

    static func domains(_ list: [String]) -> String {
        list.count <= 3 ? list.joined(separator: ", ") : list.prefix(3).joined(separator: ", ") + " (+\(list.count - 3))"
    }
}

extension ProviderKind: ExpressibleByArgument {}
extension ProviderOrigin: ExpressibleByArgument {}
