import ArgumentParser
import Catalog
import ClientExport
import Discovery
import DNSClient
import Failures
import Foundation
import MailSettings

struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Find and check the settings for an address, the way mail clients do.",
        discussion: """
        Asks every source at once, each with its own deadline: the catalog; \
        https://autoconfig.DOMAIN/mail/config-v1.1.xml and \
        https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml; the ISPDB; the MX \
        host's domain (aspmx.l.google.com → google.com) in the catalog and the ISPDB; \
        SRV records (RFC 6186, RFC 8314); and guesses (smtp., mail., imap., pop. on the \
        usual ports). The candidates are ranked (a catalog or https answer over a guess; \
        TLS over STARTTLS over none) and checked live: SMTP up to the login, IMAP and POP3 \
        by their greeting. Nothing logs in: no password is needed.

        Examples:
          mailconf discover alice@example.org
          mailconf discover alice@example.org --format thunderbird -o config-v1.1.xml
          mailconf discover alice@example.org --json
          mailconf discover bob@corp.example --dns-server 10.0.0.53 \\
              --resolve autoconfig.corp.example:443:10.0.0.8

        Exit status: 0 when a working outgoing or incoming setting was found, 1 when none \
        was, 2 usage error.
        """
    )

    @Argument(help: "The e-mail address to find settings for.")
    var address: String

    @Option(name: .customLong("ispdb-url"), help: "ISPDB base URL; DOMAIN is appended.")
    var ispdbURL = DiscoveryOptions.publicISPDB

    @Flag(name: .customLong("no-ispdb"), help: "Do not ask the ISPDB.")
    var noISPDB = false

    @Flag(name: .customLong("allow-http"), help: "Also ask the autoconfig URL over plain http (answers are marked insecure).")
    var allowHTTP = false

    @OptionGroup var network: NetworkOptions

    @Option(help: "Seconds each source and each check may take.")
    var timeout: Double = 5

    @Flag(name: .customLong("no-guess"), help: "Do not probe guessed host names.")
    var noGuess = false

    @Flag(name: .customLong("no-verify"), help: "Do not check the candidates live.")
    var noVerify = false

    @Flag(name: [.short, .long], help: "Also say how each source went about it (what it asked; the public suffix list the MX source used, or that there was none).")
    var verbose = false

    @Flag(help: "Ask the sources one after another (to measure what asking at once saves).")
    var sequential = false

    @Option(help: "Write the best verified settings in this export format (see mailconf export --list).")
    var format: String?

    @Option(name: [.short, .customLong("output")], help: "With --format: write to this file (atomically).")
    var output: String?

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var json: JSONFlag

    func run() async throws {
        let email = try usage { () throws(MailSettings.ValidationError) in try EmailAddress(address) }
        let chosen = try format.map { f -> ExportFormat in
            guard let e = ExportFormat(rawValue: f.lowercased()) else {
                throw ValidationError("unknown format '\(f)': expected one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return e
        }
        let dns = try network.resolver(timeout: timeout)
        let options = DiscoveryOptions(dns: dns, ispdbBase: noISPDB ? nil : (ispdbURL.hasSuffix("/") ? ispdbURL : ispdbURL + "/"),
                                       allowHTTP: allowHTTP,
                                       connectTo: try network.overrides().mapValues { HostPort(host: $0.host, port: $0.port) },
                                       caFile: network.caFile,
                                       sourceTimeout: timeout, guess: !noGuess, verify: !noVerify)
        var opts = options
        opts.sequential = sequential
        let result = await Discovery(options: opts, catalog: try? catalog.open()).discover(email)
        let found = result.provider != nil

        if let chosen {
            guard let provider = result.provider else {
                throw CLIError(kind: .nothingFound, message: "no working settings found for \(email.domain); run without --format to see what each source said")
            }
            let text: String
            do { text = try chosen.render(provider, address: email) } catch {
                throw CLIError(error)
            }
            if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
            return
        }
        if json.json {
            Output.json(result)
        } else {
            print("sources for \(email.domain) (\(String(format: "%.2f", result.totalSeconds)) s in all):")
            for s in result.sources {
                print("  \(s.ok ? "found" : "-    ")  \(s.source.rawValue.padding(12)) \(String(format: "%5.2f", s.seconds)) s  \(s.message)\(s.insecure ? "  (plain http: insecure)" : "")")
                if verbose {
                    print("         asked: \(s.asked)")
                    if let note = s.note { print("         \(note)") }
                }
            }
            print("candidates, best first:")
            for c in result.candidates {
                let mark = c.verified == true ? "ok  " : c.verified == false ? "FAIL" : "?   "
                print("  \(mark)  \(c.setting.protocol.rawValue.uppercased().padding(5)) \(c.setting.summary.padding(44)) from \(c.source.rawValue)\(c.check.map { "  \($0)" } ?? "")")
            }
            if let p = result.provider {
                print("use: " + p.servers.map { "\($0.protocol.rawValue.uppercased()) \($0.summary)" }.joined(separator: "; "))
            } else {
                print("nothing that works was found for \(email.domain)")
            }
        }
        if !found { throw ExitCode.failure }
    }
}
