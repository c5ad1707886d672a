import DNSClient
import MailSettings
import WebFetch

/// What the rules share while one domain is checked: the domain and what the relay needs,
/// the DNS answers (each name asked once, whichever rule asks first), the evaluations more
/// than one reader builds on (SPF's tree and the DMARC record, read by their rules, the
/// bulk-sender rules and the report), and each rule's findings, worked out once.
actor DeliverabilityContext {
    /// Lowercased, without a trailing dot.
    nonisolated let domain: String
    nonisolated let provider: Provider?
    /// The relay's DNS records (from its preset); none without a relay.
    nonisolated let requirements: [DNSRequirement]
    /// Selectors the user named, for relays whose DKIM names are account-specific.
    nonisolated let dkimSelectors: [String]
    /// Every rule's DNS questions, answered once each and counted for the report.
    nonisolated let dns: CachingResolver
    /// The resolver itself, for the MTA-STS host's address (AddressOverrides.swift).
    nonisolated let resolver: DNSResolver
    /// For the MTA-STS policy file (address overrides and a CA file for tests).
    nonisolated let fetch: HTTPFetch
    private let spfEvaluation: Task<SPFResult, Never>
    private var findings: [String: Task<[Check], Never>] = [:]

    init(domain: String, provider: Provider?, dkimSelectors: [String], dns: DNSResolver, fetch: HTTPFetch) {
        let cache = CachingResolver(dns)
        self.domain = domain
        self.provider = provider
        requirements = provider?.dnsRecords ?? []
        self.dkimSelectors = dkimSelectors
        self.dns = cache
        resolver = dns
        self.fetch = fetch
        // Started now: its includes are the longest chain of questions.
        spfEvaluation = Task { await SPFEvaluator(dns: cache).evaluate(domain) }
    }

    /// The domain's SPF record evaluated through every include and redirect.
    var spf: SPFResult {
        get async { await spfEvaluation.value }
    }

    /// The `_dmarc` TXT strings that are DMARC records: one is read, more than one is an error.
    var dmarcRecords: [String] {
        get async {
            ((try? (await dns.records("_dmarc.\(domain)", .txt)).get()) ?? [])
                .filter { $0.hasPrefix("v=DMARC1") || $0.lowercased().hasPrefix("v=dmarc") }
        }
    }

    /// The DMARC record read, when there is exactly one.
    var dmarc: DMARCRecord? {
        get async {
            let records = await dmarcRecords
            return records.count == 1 ? DMARCRecord.parse(records[0]) : nil
        }
    }

    /// A rule's findings, worked out the first time they are asked for: by the runner, or
    /// by a rule that builds on them (alignment and the bulk-sender rules read DKIM's).
    func findings(of rule: any DeliverabilityRule) async -> [Check] {
        if let known = findings[rule.id] { return await known.value }
        let task = Task { await rule.check(self) }
        findings[rule.id] = task
        return await task.value
    }
}
