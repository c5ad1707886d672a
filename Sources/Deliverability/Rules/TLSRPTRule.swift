import DNSClient

/// TLS-RPT (RFC 8460), recommended: reports of TLS failures delivering to the domain.
struct TLSRPTRule: DeliverabilityRule {
    let id = "tls-rpt"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let domain = context.domain
        let rpt = (try? (await context.dns.records("_smtp._tls.\(domain)", .txt)).get()) ?? []
        return [rpt.contains { $0.hasPrefix("v=TLSRPTv1") }
            ? Check("tls-rpt", .pass, "TLS-RPT reports are requested (_smtp._tls TXT)")
            : Check("tls-rpt", .warn, "recommended: TLS-RPT sends you reports of TLS failures delivering to you",
                    record: "_smtp._tls.\(domain). TXT \"v=TLSRPTv1; rua=mailto:tls-reports@\(domain)\"", reference: "RFC 8460")]
    }
}
