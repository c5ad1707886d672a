import ArgumentParser
import Failures
import Foundation

@main
struct Mailconf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailconf",
        abstract: "Get e-mail client and SMTP relay settings right.",
        discussion: """
        mailconf keeps a catalog of mail providers and relay services (Gmail, Microsoft 365, \
        SendGrid, Amazon SES, …) with every server, port, security and authentication they \
        offer, plus your own servers and your organisation's domains. The catalog is a SQLite \
        file, created and filled from the built-in presets the first time it is used, or a \
        PostgreSQL database that many machines share (--db postgres://…). From it \
        mailconf checks settings (lint, and live with verify), writes client configuration \
        files (export), answers mail clients' autoconfig requests (serve), finds the settings \
        for any address (discover) and checks a sending domain's DNS (deliverability).

        Examples:
          mailconf providers show gmail      (hosts, ports, security, auth)
          mailconf providers search ses      (by id, name or domain)
          mailconf lint --host smtp.example.com --port 465 --security starttls
          mailconf verify sendgrid --username apikey --password-env SENDGRID_API_KEY
          mailconf export msmtp me@fastmail.com
          mailconf serve --port 8080         (autoconfig for your domains)
          mailconf discover alice@example.org
          mailconf deliverability example.org --provider sendgrid
          mailconf import path/to/ispdb/     (Thunderbird ISPDB files)

        Catalog location: --db PATH (or postgres://USER@HOST:PORT/DB, the password from \
        PGPASSWORD, PGPASSFILE or --db-password-file), else $MAILCONF_DB, else \
        $XDG_DATA_HOME/mailconf/catalog.sqlite (~/.local/share/mailconf/catalog.sqlite).
        Exit status: 0 success, 1 failure, 2 usage error.
        """,
        version: "0.1.0",
        subcommands: [
            ProvidersCommand.self, ServersCommand.self, DomainsCommand.self,
            LintCommand.self, VerifyCommand.self, ImportCommand.self, ExportCommand.self, ServeCommand.self, DiscoverCommand.self, DeliverabilityCommand.self, CatalogCommand.self,
        ]
    )

    /// Runs the command line with mailconf's exit codes: 0 success, 1 failure, 2 usage.
    static func main() async {
        let json = CommandLine.arguments.contains("--json")
        var parsed: (any ParsableCommand)?
        do {
            var command = try parseAsRoot()
            parsed = command
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ArgumentParser.ValidationError where parsed != nil {
            // A value the command itself refused: show that command's usage, not the root's.
            let usage = usageString(for: type(of: parsed!))
            Output.standardError("Error: \(error.message)\nUsage: \(usage)\n  See 'mailconf help \(commandPath(type(of: parsed!)))' for more information.\n")
            Foundation.exit(2)
        } catch let error as any MailconfError {
            // Every module's error, in one place: its kind and message, exit status 1.
            Output.fail(CLIError(error), json: json)
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure {
                Output.standardError(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            Output.fail(CLIError(kind: .unexpected, message: "\(error)"), json: json)
            Foundation.exit(1)
        }
    }

    /// `providers show` for ProvidersShow, found by walking the subcommand tree.
    static func commandPath(_ target: any ParsableCommand.Type) -> String {
        func walk(_ node: any ParsableCommand.Type, _ path: [String]) -> [String]? {
            if node == target { return path }
            for sub in node.configuration.subcommands {
                if let found = walk(sub, path + [sub.configuration.commandName ?? ""]) { return found }
            }
            return nil
        }
        return walk(Mailconf.self, [])?.joined(separator: " ") ?? ""
    }
}
