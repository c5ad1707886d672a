import MailSettings

/// SPF (RFC 7208): one record that evaluates within the lookup limits, an `all` that says
/// something, and the relay's include.
struct SPFRule: DeliverabilityRule {
    let id = "spf"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let domain = context.domain
        let spf = await context.spf
        let include = Self.relayInclude(context.requirements)
        guard let record = spf.record else {
            let mechanism = include.map { "include:\($0.domain) " } ?? ""
            return [Check("spf-present", .fail, "\(domain) has no SPF record", record: "\(domain). TXT \"v=spf1 \(mechanism)~all\"",
                          reference: "RFC 7208 section 3")]
        }
        var out: [Check] = []
        if !spf.errors.isEmpty {
            for e in spf.errors {
                out.append(Check("spf-valid", .fail, e, reference: "RFC 7208"))
            }
        } else {
            out.append(Check("spf-valid", .pass, "SPF evaluates: \(spf.lookups) of 10 DNS lookups, \(spf.voidLookups) void lookups"))
        }
        if spf.lookups >= 8 && spf.lookups <= 10 {
            out.append(Check("spf-lookups", .warn, "\(spf.lookups) DNS lookups: close to the limit of 10; another include would break SPF",
                             reference: "RFC 7208 section 4.6.4"))
        }
        switch spf.all {
        case "+"?: out.append(Check("spf-all", .fail, "+all lets anyone send as \(domain)", record: "\(domain). TXT \"\(Self.replaceAll(record, with: "~all"))\"",
                                    reference: "RFC 7208 section 5.1"))
        case "?"?: out.append(Check("spf-all", .warn, "?all says nothing about other senders; use ~all or -all",
                                    record: "\(domain). TXT \"\(Self.replaceAll(record, with: "~all"))\"", reference: "RFC 7208 section 5.1"))
        default: break
        }
        if let include, let provider = context.provider, spf.errors.isEmpty {
            if spf.includes.contains(include.domain) {
                out.append(Check("spf-include", .pass, "SPF includes \(include.domain), as \(provider.displayName) needs"))
            } else {
                out.append(Check("spf-include", include.required ? .fail : .warn,
                                 "SPF does not include \(include.domain)" + (include.required ? ", which \(provider.displayName) needs"
                                                                                : " (\(provider.displayName) needs it only without its own return-path domain)"),
                                 record: "\(domain). TXT \"\(Self.insertInclude(record, include.domain))\""))
            }
        }
        return out
    }

    /// The relay's include, from the preset (`include:sendgrid.net`).
    static func relayInclude(_ requirements: [DNSRequirement]) -> (domain: String, required: Bool)? {
        // Only an include on the domain itself: SES's belongs on its MAIL FROM subdomain.
        for r in requirements where r.purpose == .spf && r.name == "@" {
            if let range = r.value.range(of: "include:") {
                let domain = r.value[range.upperBound...].split(separator: " ").first.map(String.init) ?? ""
                if !domain.isEmpty && !domain.contains("{") { return (domain, r.required) }
            }
        }
        return nil
    }

    /// The record with `include:X` before its `all` (or at the end).
    static func insertInclude(_ record: String, _ include: String) -> String {
        var parts = record.split(separator: " ").map(String.init)
        let at = parts.firstIndex { $0.lowercased().hasSuffix("all") && $0.count <= 4 } ?? parts.count
        parts.insert("include:\(include)", at: at)
        return parts.joined(separator: " ")
    }

    static func replaceAll(_ record: String, with all: String) -> String {
        record.split(separator: " ").map { $0.lowercased().hasSuffix("all") && $0.count <= 4 ? all : String($0) }.joined(separator: " ")
    }
}
