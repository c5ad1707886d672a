import DNSClient

/// An MX, so replies and bounces to the sending domain have somewhere to go.
struct MXRule: DeliverabilityRule {
    let id = "mx"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let domain = context.domain
        switch await context.dns.records(domain, .mx) {
        case .success(let records) where !records.isEmpty:
            return [Check("mx", .pass, "MX: \(records.joined(separator: ", ")) (replies and bounces have somewhere to go)")]
        default:
            return [Check("mx", .warn, "\(domain) has no MX record: replies and bounces to this domain cannot be delivered",
                          record: "\(domain). MX 10 mail.\(domain).", reference: "RFC 5321 section 5.1")]
        }
    }
}
