import ArgumentParser
import Catalog
import Deliverability
import DNSClient
import Foundation
import MailSettings
import WebFetch

struct DeliverabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliverability",
        abstract: "Check that a sending domain's DNS is right for its relay: SPF, DKIM, DMARC and more.",
        discussion: """
        Checks, for DOMAIN and the relay given with --provider (its needs come from the \
        catalog: SendGrid's s1/s2 DKIM CNAMEs, Mailgun's include, Postmark's return path, …):
          SPF     one v=spf1 record, evaluated through every include and redirect, with the \
        limits of 10 DNS lookups and 2 void lookups counted (RFC 7208); +all and ?all \
        flagged; the relay's include present
          DKIM    the relay's selector records, or a key's RSA length (under 1024 bits fails)
          DMARC   _dmarc present and valid (RFC 7489), alignment explained, and Gmail's and \
        Yahoo's bulk-sender rules
          MX, the relay's return-path CNAME, MTA-STS and TLS-RPT (recommendations)
        Every finding that is not a pass says the exact DNS record to add.

        Examples:
          mailconf deliverability example.org --provider sendgrid
          mailconf deliverability example.org --provider mailgun-eu \\
              --dkim-selector krs --json
          mailconf deliverability example.org --dns-server 10.0.0.53

        Exit status: 0 when nothing fails (warnings allowed), 1 when something fails, 2 usage error.
        """
    )

    @Argument(help: "The domain mail is sent from (the From: address's domain).")
    var domain: String

    @Option(help: "The relay (or mailbox provider) that sends for it: a provider id such as sendgrid.")
    var provider: String?

    @Option(name: .customLong("dkim-selector"), help: "A DKIM selector to check (repeatable); needed when the relay's is account-specific.")
    var dkimSelectors: [String] = []

    @Option(name: .customLong("dns-server"), help: "Ask this nameserver (IP[:PORT]) instead of the system's.")
    var dnsServer: String?

    @Option(name: .customLong("ca-file"), help: "Trust only the CAs in this PEM file for the MTA-STS policy fetch.")
    var caFile: String?

    @Option(name: .customLong("connect-to"), help: "HOST:PORT:CONNECT-HOST:CONNECT-PORT for the MTA-STS policy fetch (like curl). Repeatable.")
    var connectTo: [String] = []

    @Option(help: "Seconds to wait for each DNS answer.")
    var timeout: Double = 3

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var json: JSONFlag

    func run() async throws {
        guard let host = try? Hostname(domain), !host.isTemplate, !host.isIPAddress else {
            throw ValidationError("'\(domain)' is not a domain name, such as example.org")
        }
        for s in dkimSelectors where s.isEmpty || s.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) {
            throw ValidationError("--dkim-selector '\(s)': letters, digits, '-', '_' and '.' only")
        }
        let relay = try provider.map { id in try attempt { try catalog.open().resolve(id) }.provider }
        let dns = try NetworkOverrides.resolver(dnsServer, timeout: timeout)
        let overrides = try NetworkOverrides.parse(connectTo: connectTo)
        let fetch = HTTPFetch(overrides: overrides, caFile: caFile, timeout: timeout)
        let report = await DeliverabilityCheck(dns: dns, fetch: fetch).check(domain: host.name, provider: relay, dkimSelectors: dkimSelectors)
        if json.json {
            Output.json(report)
        } else {
            print("\(report.domain)\(relay.map { " sending through \($0.displayName)" } ?? ""): \(report.queries) DNS queries, \(String(format: "%.2f", report.seconds)) s")
            for c in report.checks {
                print("  \(c.status.rawValue.uppercased().padding(4))  \(c.id.padding(16)) \(c.message)")
                if let r = c.record { print("        add:  \(r)") }
                if c.status != .pass, let ref = c.reference { print("        see:  \(ref)") }
            }
        }
        if report.worst == .fail { throw ExitCode.failure }
    }
}
