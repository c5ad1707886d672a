import ArgumentParser
import Catalog

struct CatalogUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Refresh the built-in presets from this mailconf build.",
        discussion: """
        Presets are refreshed automatically when a new build ships different ones; this \
        command does it on request and reports what changed. Your servers, imported \
        providers and organisation domains are never touched; a preset this build no \
        longer ships is kept while an organisation domain uses it.
        """
    )

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let report = try attempt { try catalog.open(refreshPresets: false).updatePresets() }
        if output.json { Output.json(report); return }
        print("presets: added \(report.added.count), updated \(report.updated.count), unchanged \(report.unchanged), removed \(report.removed.count)")
        if !report.kept.isEmpty { print("kept (still used by an organisation domain): \(report.kept.joined(separator: ", "))") }
        if !report.conflicts.isEmpty {
            print("not installed (the id is taken by your or imported data): \(report.conflicts.joined(separator: ", "))")
        }
    }
}
