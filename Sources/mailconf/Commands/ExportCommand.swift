import ArgumentParser
import Catalog
import ClientExport
import Failures
import Foundation
import MailFormats
import MailSettings

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a provider's settings as a client configuration file.",
        discussion: """
        Formats (see them with --list):
        \(ExportFormat.allCases.map { "  \($0.rawValue.padding(13)) \($0.summary)" }.joined(separator: "\n"))

        NAME is a provider id, a mail domain (an organisation domain too) or an e-mail \
        address. An address fills in the placeholders (%EMAILADDRESS%, …); give it with \
        --email when NAME is not one. Thunderbird files keep the placeholders without one \
        (Thunderbird fills them in); the other formats ask for an address when the \
        username depends on it. No file ever holds a password: each says where it goes.

        A mobileconfig profile is signed with --sign-cert (PEM, its intermediates after it) \
        and --sign-key: a CMS signature in DER with the profile inside and the chain \
        included, which iOS and macOS show as verified when the chain leads to a root they \
        trust (an unsigned profile shows as "Not Verified"). A signed profile is binary: \
        give -o FILE, or redirect standard output.

        Mailbox formats (thunderbird, autodiscover, mobileconfig) need an incoming server, \
        so a relay service (SendGrid, Amazon SES, …) exports only as msmtp, mutt, git, \
        postfix or env.

        Examples:
          mailconf export thunderbird gmail
          mailconf export mobileconfig alice@example.org -o alice.mobileconfig
          mailconf export mobileconfig alice@example.org --sign-cert fullchain.pem --sign-key key.pem -o alice.mobileconfig
          mailconf export msmtp fastmail --email me@fastmail.com >> ~/.msmtprc
          mailconf export postfix sendgrid
          mailconf export --list --json

        Exit status: 0 written, 1 the provider cannot be written in that format, 2 usage error.
        """
    )

    @Flag(help: "List the formats and exit.")
    var list = false

    @Argument(help: "Output format (see --list).")
    var format: String?

    @Argument(help: "Provider id, mail domain or e-mail address.")
    var name: String?

    @Option(help: "Fill in placeholders for this address.")
    var email: String?

    @Option(name: [.short, .customLong("output")], help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "Thunderbird: leave out mailconf's own metadata (the mc: elements Thunderbird ignores).")
    var thunderbirdOnly = false

    @Option(name: .customLong("config-version"), help: ArgumentHelp("Thunderbird: clientConfig version, 1.1 (default, what clients read today) or 1.2 (the IETF draft: SASL mechanisms, JMAP, calendars, address books, MX domains).", valueName: "version"))
    var configVersion: ClientConfig.Version?

    @Option(name: .customLong("sign-cert"), help: ArgumentHelp("mobileconfig: sign with this PEM certificate (its intermediates after it).", valueName: "file"))
    var signCert: String?

    @Option(name: .customLong("sign-key"), help: ArgumentHelp("mobileconfig: the PEM private key of --sign-cert, in a file only its owner may read (chmod 600).", valueName: "file"))
    var signKey: String?

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var json: JSONFlag

    func run() throws {
        if list {
            if json.json {
                struct Row: Encodable { var format: String; var summary: String; var needsIncomingServer: Bool; var fileName: String }
                Output.json(ExportFormat.allCases.map { Row(format: $0.rawValue, summary: $0.summary,
                                                             needsIncomingServer: $0.needsIncomingServer, fileName: $0.suggestedFileName) })
            } else {
                for f in ExportFormat.allCases { print("\(f.rawValue.padding(13)) \(f.summary)") }
            }
            return
        }
        guard let format else { throw ArgumentParser.ValidationError("give a format (see mailconf export --list) and a provider") }
        guard let chosen = ExportFormat(rawValue: format.lowercased()) else {
            throw ArgumentParser.ValidationError(
                "unknown format '\(format)': expected one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let name else { throw ArgumentParser.ValidationError("give the provider, domain or address to export after the format") }
        if configVersion != nil && chosen != .thunderbird {
            throw ArgumentParser.ValidationError("--config-version is the clientConfig version: use it with the thunderbird format")
        }
        if (signCert == nil) != (signKey == nil) { throw ArgumentParser.ValidationError("give --sign-cert and --sign-key together") }
        if signCert != nil && chosen != .mobileconfig {
            throw ArgumentParser.ValidationError("--sign-cert and --sign-key sign Apple profiles: use them with the mobileconfig format")
        }
        if signCert != nil && output == nil && isatty(STDOUT_FILENO) == 1 {
            throw ArgumentParser.ValidationError("a signed profile is binary: give -o FILE, or redirect standard output")
        }
        // The key is read (and checked against the certificate) before anything is written.
        let signer = try signCert.map { chain in try attempt { try ProfileSigner(chainFile: chain, keyFile: signKey ?? "") } }
        let given = email ?? (name.contains("@") ? name : nil)
        let address = try given.map { e in try usage { () throws(MailSettings.ValidationError) in try EmailAddress(e) } }
        let entry = try attempt { try catalog.open().resolve(name) }
        let text: String
        do {
            text = try chosen.render(entry.provider, address: address,
                                     options: ExportOptions(includeMailconfExtension: !thunderbirdOnly,
                                                            clientConfigVersion: configVersion ?? .v1_1))
        } catch {
            throw CLIError(error)
        }
        if let signer {
            let signed = Data(try attempt { try signer.sign(Array(text.utf8)) })
            if let output {
                try AtomicFile.write(signed, to: output)
            } else {
                FileHandle.standardOutput.write(signed)
            }
        } else if let output {
            try AtomicFile.write(Data(text.utf8), to: output)
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}

enum AtomicFile {
    /// Writes to a temporary file beside the target, then renames it over the target,
    /// so a reader sees the old file or the new one, never half of one.
    static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try data.write(to: temp, options: [.withoutOverwriting])
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temp)
            } else {
                try FileManager.default.moveItem(at: temp, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw CLIError(kind: .fileError, message: "cannot write \(path): \(error.localizedDescription); check the folder exists and is writable")
        }
    }
}
