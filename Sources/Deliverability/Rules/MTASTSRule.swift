import DNSClient
import Foundation

/// MTA-STS (RFC 8461), recommended: a `_mta-sts` record announcing a policy, and the
/// policy file it announces (MTASTSPolicyFile).
struct MTASTSRule: DeliverabilityRule {
    let id = "mta-sts"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let domain = context.domain
        let sts = (try? (await context.dns.records("_mta-sts.\(domain)", .txt)).get()) ?? []
        guard sts.contains(where: Self.announcesPolicy) else {
            return [Check("mta-sts", .warn, "recommended: MTA-STS tells sending servers to insist on TLS to your MX",
                          record: "_mta-sts.\(domain). TXT \"v=STSv1; id=\(Self.stamp())\"  (and serve https://mta-sts.\(domain)/.well-known/mta-sts.txt)",
                          reference: "RFC 8461")]
        }
        let mx = (try? (await context.dns.records(domain, .mx)).get()) ?? []
        let mxHosts = mx.compactMap { $0.split(separator: " ").last.map(String.init) }
        return [await MTASTSPolicyFile.check(domain, mxHosts: mxHosts, fetch: context.fetch, dns: context.resolver)]
    }

    /// A `_mta-sts` TXT record (RFC 8461 section 3.1) is a tag list whose first tag is
    /// `v=STSv1`; anything else (`v=STSv10`, `v=STSv1 id=1` without the `;`) is discarded.
    static func announcesPolicy(_ record: String) -> Bool {
        guard let first = TagValueList(record).tags.first else { return false }
        return first.name == "v" && first.value == "STSv1"
    }

    /// Today, as a policy id for the record to add.
    static func stamp() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd"
        f.timeZone = TimeZone(secondsFromGMT: 0)
        return f.string(from: Date()) + "T000000"
    }
}
