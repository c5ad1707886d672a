import ArgumentParser
import DNSClient
import DomainCheck
import Foundation
import MailSettings
import WebFetch

struct DomainsCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check, from outside, what mail clients find for an organisation domain.",
        discussion: """
        Asks DNS and the https endpoints what Thunderbird, Outlook, Apple Mail and \
        SRV-reading clients will find for DOMAIN, and compares it with the catalog's \
        settings for it (mailconf domains add DOMAIN --provider ID):
          autoconfig.DOMAIN    A, AAAA or CNAME to --server; https certificate
                               valid for the name; the catalog's file, byte for byte
          autodiscover.DOMAIN  the same, for Outlook's POST
          _autodiscover._tcp   Outlook's fallback SRV record (optional)
          _submission(s)._tcp, _imap(s)._tcp, _pop3(s)._tcp
                               RFC 6186/8314: the catalog's servers, or absent
          MX                   where mail for DOMAIN goes
          agreement            every source gives the same servers
        For each gap it prints the zone-file line to add. Give --server (the host name or \
        address mailconf serve runs at) for the exact autoconfig and autodiscover lines.

        Examples:
          mailconf domains check example.org --server mail.example.net
          mailconf domains check example.org --dns-server 9.9.9.9 --json

        Exit status: 0 nothing to fix, 1 something to fix, 2 usage error.
        """
    )

    @Argument(help: "The organisation domain.")
    var domain: String

    @Option(help: ArgumentHelp("Where autoconfig.DOMAIN and autodiscover.DOMAIN should lead (the host running mailconf serve).", valueName: "host"))
    var server: String?

    @OptionGroup var network: NetworkOptions

    @Option(help: "Seconds for each DNS question and each https request.")
    var timeout: Double = 5

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func validate() throws {
        guard timeout > 0, timeout <= 120 else { throw ValidationError("--timeout \(timeout): expected seconds, more than 0 and at most 120") }
    }

    func run() async throws {
        let name = try usage { () throws(MailSettings.ValidationError) in try Hostname(domain) }.name.lowercased()
        let cat = try catalog.open()
        guard let org = try attempt({ try cat.organisationDomains() }).first(where: { $0.domain == name }) else {
            throw CLIError(kind: .notAnOrganisationDomain,
                           message: "\(name) is not an organisation domain: add it with 'mailconf domains add \(name) --provider ID' first")
        }
        let provider = try attempt { try cat.resolve(org.providerID) }.provider
        let dns = try network.resolver(timeout: timeout)
        let fetch = HTTPFetch(overrides: try network.overrides(), resolver: dns, caFile: network.caFile, timeout: timeout)
        let report = await DomainCheck(domain: name, provider: provider, server: server, dns: dns, fetch: fetch).run()
        if output.json {
            Output.json(report)
        } else {
            print(Self.render(report))
        }
        if !report.ok { throw ExitCode.failure }
    }

    static func render(_ report: DomainReport) -> String {
        let fixes = report.findings.filter { $0.status == .fix }.count
        var lines = ["\(report.domain) (served as \(report.provider)): "
                     + (fixes == 0 ? "nothing to fix" : "\(fixes) to fix")]
        let width = min(40, report.findings.map(\.name.count).max() ?? 0)
        for f in report.findings {
            let mark = f.status == .ok ? "ok  " : f.status == .fix ? "FIX " : "note"
            if f.name.count > width {
                // A URL on a line of its own, its verdict under it.
                lines.append("\(mark)  \(f.name)")
                lines.append("      \(String(repeating: " ", count: width))  \(f.detail)")
            } else {
                lines.append("\(mark)  \(f.name.padding(width))  \(f.detail)")
            }
            if let zone = f.zoneLine {
                lines.append("      \(String(repeating: " ", count: width))  \(f.status == .fix ? "add" : "could add"): \(zone)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
