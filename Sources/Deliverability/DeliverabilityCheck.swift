import DNSClient
import Foundation
import MailSettings
import WebFetch

/// Is this sending domain's DNS right for the chosen relay? SPF, DKIM, DMARC, MX, the
/// relay's bounce domain, MTA-STS and TLS-RPT, each with the record that would fix it.
/// Each is a rule of its own (Rules/); this asks them all and makes the report.
public struct DeliverabilityCheck: Sendable {
    let dns: DNSResolver
    /// For the MTA-STS policy file (address overrides and a CA file for tests).
    let fetch: HTTPFetch

    public init(dns: DNSResolver, fetch: HTTPFetch = HTTPFetch()) {
        self.dns = dns
        self.fetch = fetch
    }

    /// In the report's order. Alignment and the bulk-sender rules come after the rules
    /// they sum up.
    static let rules: [any DeliverabilityRule] = [
        SPFRule(), DKIMRule(), DMARCRule(), ReturnPathRule(), AlignmentRule(), BulkSenderRule(), MXRule(), MTASTSRule(), TLSRPTRule(),
    ]

    public func check(domain rawDomain: String, provider: Provider?, dkimSelectors: [String] = []) async -> DeliverabilityReport {
        let started = Date()
        let domain = rawDomain.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let context = DeliverabilityContext(domain: domain, provider: provider, dkimSelectors: dkimSelectors, dns: dns, fetch: fetch)
        // All at once, so their DNS questions are in flight together.
        let found = await withTaskGroup(of: (Int, [Check]).self) { group in
            for (i, rule) in Self.rules.enumerated() {
                group.addTask { (i, await context.findings(of: rule)) }
            }
            return await group.reduce(into: [Int: [Check]]()) { $0[$1.0] = $1.1 }
        }
        let checks = Self.rules.indices.flatMap { found[$0] ?? [] }
        return DeliverabilityReport(domain: domain, provider: provider?.id, checks: checks, queries: await context.dns.sent,
                                    seconds: Date().timeIntervalSince(started), spf: await context.spf, dmarc: await context.dmarc)
    }
}
