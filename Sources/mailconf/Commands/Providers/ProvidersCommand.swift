import ArgumentParser

struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List, show and search mail providers and relay services.",
        subcommands: [ProvidersList.self, ProvidersShow.self, ProvidersSearch.self],
        defaultSubcommand: ProvidersList.self
    )
}
