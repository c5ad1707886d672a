import ArgumentParser
import Catalog
import Foundation
import MailFormats
import MailSettings

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a provider's settings as a client configuration file.",
        discussion: """
        Formats: thunderbird (clientConfig v1.1 autoconfig XML).
        NAME is a provider id, a mail domain or an e-mail address. With --email, the \
        placeholders (%EMAILADDRESS%, …) are filled in for that address.

        Examples:
          mailconf export thunderbird gmail
          mailconf export thunderbird example.org --email alice@example.org -o config-v1.1.xml
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case thunderbird
    }

    @Argument(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format

    @Argument(help: "Provider id, mail domain or e-mail address.")
    var name: String

    @Option(help: "Fill in placeholders for this address.")
    var email: String?

    @Option(name: [.short, .customLong("output")], help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "Leave out mailconf's own metadata (the mc: elements Thunderbird ignores).")
    var thunderbirdOnly = false

    @OptionGroup var catalog: CatalogOptions

    func run() throws {
        let address = try email.map { e in try usage { () throws(MailSettings.ValidationError) in try EmailAddress(e) } }
        let entry = try attempt { try catalog.open().resolve(name) }
        let text = try attempt { try ClientConfig.write(entry.provider, address: address, includeExtension: !thunderbirdOnly) }
        if let output {
            try AtomicFile.write(text, to: output)
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}

enum AtomicFile {
    /// Writes to a temporary file beside the target, then renames it over the target,
    /// so a reader sees the old file or the new one, never half of one.
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try Data(text.utf8).write(to: temp, options: [.withoutOverwriting])
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temp)
            } else {
                try FileManager.default.moveItem(at: temp, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw CLIError(kind: "file-error", message: "cannot write \(path): \(error.localizedDescription); check the folder exists and is writable")
        }
    }
}
