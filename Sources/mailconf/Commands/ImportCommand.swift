import ArgumentParser
import Catalog

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import clientConfig (Thunderbird autoconfig / ISPDB) files into the catalog.",
        discussion: """
        Takes files and folders (every .xml file inside, recursively). Each file becomes \
        a provider whose id is the file name without .xml (or its mc:provider id). Files \
        are parsed as untrusted input: no DTDs or entities, UTF-8 only, at most 1 MiB. A \
        file that cannot be read is skipped with its line and reason and changes nothing; \
        the good files are written in one transaction. Re-importing updates changed files.

        Example: mailconf import ~/src/autoconfig/ispdb/
        Exit status: 0 when no file was skipped, 1 otherwise.
        """
    )

    @Argument(help: "clientConfig files or folders of them.")
    var paths: [String]

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    @Flag(help: "Also list what was read but not taken as written (skipped servers, broken placeholders).")
    var warnings = false

    func run() throws {
        let report = try attempt { try catalog.open().importFiles(paths) }
        if output.json {
            Output.json(report)
        } else {
            print("imported \(report.imported.count), updated \(report.updated.count), unchanged \(report.unchanged.count), skipped \(report.skipped.count)")
            for s in report.skipped {
                Output.standardError("skipped \(s.file)\(s.line.map { ":\($0)" } ?? ""): \(s.reason)\n")
            }
            if warnings {
                for w in report.warnings {
                    print("warning: \(w.file)\(w.line.map { ":\($0)" } ?? ""): \(w.message)")
                }
            } else if !report.warnings.isEmpty {
                print("\(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s"); see them with --warnings")
            }
        }
        if !report.skipped.isEmpty { throw ExitCode.failure }
    }
}
