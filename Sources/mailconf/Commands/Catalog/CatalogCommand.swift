import ArgumentParser

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Where the catalog is, what it holds, and refreshing its presets.",
        subcommands: [CatalogInfo.self, CatalogUpdate.self],
        defaultSubcommand: CatalogInfo.self
    )
}
