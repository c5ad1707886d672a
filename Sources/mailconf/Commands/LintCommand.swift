import ArgumentParser
import Catalog
import MailSettings
import Lint
import Validator

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check settings for mistakes without connecting anywhere.",
        discussion: """
        Checks each server setting of a provider (or one server, or the one given with \
        --host …) against rules: port and security that do not match, a password over no \
        encryption, port 25 for submission, providers that want OAuth2 or app passwords, \
        relay conventions (SendGrid's apikey, SES regions, Postmark tokens), broken \
        placeholders, duplicate alternatives. Each finding has a rule id, a severity and \
        a fix.

        Examples:
          mailconf lint sendgrid
          mailconf lint '#12'
          mailconf lint --host smtp.gmail.com --port 465 --security starttls --auth password

        Exit status: 0 when nothing is an error, 1 when something is, 2 usage error.
        """
    )

    @Argument(help: "Provider id, mail domain, e-mail address, or a server id such as #12. Omit it to give --host … instead.")
    var name: String?

    @OptionGroup var fields: ServerFields
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    struct Report: Encodable {
        var server: String
        var serverId: Int64?
        var findings: [LintFinding]
    }

    func run() throws {
        let cat = try catalog.open()
        var reports: [Report] = []
        switch try fields.select(name: name, catalog: { cat }, defaultAuth: [.passwordCleartext], lenientUsername: true) {
        case .server(let found):
            let reference = try attempt { try cat.entry(id: found.providerID)?.provider }
            reports.append(Report(server: found.server.summary, serverId: found.id,
                                  findings: Linter.lint(found.server, reference: reference)))
        case .provider(let entry):
            let findings = Linter.lint(entry.provider)
            for (i, s) in entry.provider.servers.enumerated() {
                reports.append(Report(server: "\(s.protocol.rawValue.uppercased()) \(s.summary)",
                                      serverId: i < entry.serverIDs.count ? entry.serverIDs[i] : nil,
                                      findings: findings.filter { $0.server == i }.map(\.finding)))
            }
        case .given(let setting):
            // What the catalog knows about this host: presets first.
            let reference = try attempt { try cat.entries() }
                .filter { $0.provider.servers.contains { $0.hostname == setting.hostname } }
                .min { Catalog.rank($0.origin) < Catalog.rank($1.origin) }?.provider
            reports.append(Report(server: setting.summary, serverId: nil, findings: Linter.lint(setting, reference: reference)))
        }

        let all = reports.flatMap(\.findings)
        if output.json {
            Output.json(reports)
        } else {
            for r in reports {
                print(r.findings.isEmpty ? "ok    \(r.server)" : "      \(r.server)")
                for f in r.findings.sorted(by: { $0.severity > $1.severity }) {
                    print("  \(f.severity.rawValue.padding(7))  \(f.rule): \(f.message)")
                    if let fix = f.fix { print("           fix: \(fix)") }
                }
            }
            let count = { (s: Severity) in all.filter { $0.severity == s }.count }
            print("\(count(.error)) error(s), \(count(.warning)) warning(s), \(count(.info)) note(s)")
        }
        if all.contains(where: { $0.severity == .error }) { throw ExitCode.failure }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

extension ServerFields {
    /// Lint reads a broken placeholder so it can report it, rather than refuse it.
    func parsedUsernameLenient() throws(MailSettings.ValidationError) -> UsernameTemplate? {
        guard let username else { return nil }
        return try UsernameTemplate.lenient(username).0
    }
}
