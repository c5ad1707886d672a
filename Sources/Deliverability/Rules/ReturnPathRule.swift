import DNSClient
import MailSettings

/// The relay's return-path (bounce) CNAME, through which bounces come back and SPF aligns.
struct ReturnPathRule: DeliverabilityRule {
    let id = "return-path"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let (domain, requirements) = (context.domain, context.requirements)
        var out: [Check] = []
        for r in requirements where r.purpose == .returnPath && r.type == "CNAME" {
            guard !r.name.contains("{") else {
                out.append(Check("return-path", .warn, "the relay's return-path name (\(r.name).\(domain)) is account-specific: check it in the relay's console"))
                continue
            }
            let fqdn = "\(r.name).\(domain)"
            let target = (try? (await context.dns.records(fqdn, .cname)).get())?.first
            if let target, RelayPattern.matches(target, pattern: r.value) {
                out.append(Check("return-path", .pass, "\(fqdn) → \(target) (bounces return through the relay, and SPF aligns)"))
            } else {
                out.append(Check("return-path", r.required ? .fail : .warn,
                                 target.map { "\(fqdn) points to \($0), not \(r.value)" } ?? "no return-path CNAME at \(fqdn)",
                                 record: "\(fqdn). CNAME \(r.value)."))
            }
        }
        return out
    }
}
