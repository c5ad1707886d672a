/// DMARC (RFC 7489): one `_dmarc` record that reads, its policy, and its reports.
struct DMARCRule: DeliverabilityRule {
    let id = "dmarc"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let domain = context.domain
        let add = "_dmarc.\(domain). TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@\(domain)\""
        let records = await context.dmarcRecords
        guard !records.isEmpty else {
            return [Check("dmarc-present", .fail, "\(domain) has no DMARC record (_dmarc.\(domain))", record: add,
                          reference: "RFC 7489 section 6.1; " + BulkSenderRule.reference)]
        }
        guard let dmarc = await context.dmarc else {
            return [Check("dmarc-present", .fail, "\(domain) has \(records.count) DMARC records; receivers then ignore DMARC", record: add,
                          reference: "RFC 7489 section 6.6.3")]
        }
        var out: [Check] = []
        if !dmarc.errors.isEmpty {
            for e in dmarc.errors { out.append(Check("dmarc-valid", .fail, e, record: add, reference: "RFC 7489 section 6.3")) }
            return out
        }
        out.append(Check("dmarc-present", .pass, "DMARC: p=\(dmarc.policy ?? "?")" + (dmarc.rua.isEmpty ? "" : ", reports to \(dmarc.rua.joined(separator: ", "))")))
        if dmarc.policy == "none" {
            out.append(Check("dmarc-policy", .warn, "p=none only monitors; move to quarantine or reject once reports show your mail passing",
                             reference: "RFC 7489 section 6.3"))
        }
        if let pct = dmarc.percent, pct < 100 {
            out.append(Check("dmarc-pct", .warn, "pct=\(pct): the policy applies to \(pct)% of failing mail"))
        }
        if dmarc.rua.isEmpty {
            out.append(Check("dmarc-rua", .warn, "no rua= address: you will not see aggregate reports",
                             record: "_dmarc.\(domain). TXT \"\(records[0]); rua=mailto:dmarc-reports@\(domain)\""))
        }
        return out
    }
}
