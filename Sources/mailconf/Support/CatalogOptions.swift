import ArgumentParser
import Catalog

struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The catalog file.",
        discussion: "Default: $MAILCONF_DB, else $XDG_DATA_HOME/mailconf/catalog.sqlite, else ~/.local/share/mailconf/catalog.sqlite. Created and filled with the built-in presets on first use.",
        valueName: "path"))
    var db: String?

    func open() throws -> Catalog {
        try attempt { try Catalog(path: db) }
    }
}

struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of text for people.")
    var json = false
}
