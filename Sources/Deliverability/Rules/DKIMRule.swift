import DNSClient
import MailSettings

/// DKIM: the relay's selector records (CNAMEs to its keys, or a TXT key), or the keys at
/// the selectors the user names, each read for what receivers accept.
struct DKIMRule: DeliverabilityRule {
    let id = "dkim"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let (domain, requirements, selectors) = (context.domain, context.requirements, context.dkimSelectors)
        var out: [Check] = []
        var names: [(name: String, requirement: DNSRequirement?)] = []
        for r in requirements where r.purpose == .dkim {
            if let open = r.name.firstIndex(of: "{"), let close = r.name[open...].firstIndex(of: "}") {
                // An account-specific selector ({selector}, SES's {token1}, …): the user names it.
                guard !selectors.isEmpty else {
                    if !out.contains(where: { $0.id == "dkim-selector" }) {
                        out.append(Check("dkim-selector", .warn,
                                         "the relay's DKIM selector names are account-specific (\(r.name)): give --dkim-selector NAME for each to check them"))
                    }
                    continue
                }
                if r.name.hasPrefix("{") && r.type == "CNAME" && names.contains(where: { $0.requirement?.value == r.value }) { continue }
                for s in selectors where !names.contains(where: { $0.name.hasPrefix(s + ".") }) {
                    names.append((r.name.replacingCharacters(in: open...close, with: s), r))
                }
            } else {
                names.append((r.name, r))
            }
        }
        if requirements.allSatisfy({ $0.purpose != .dkim }) {
            for s in selectors { names.append(("\(s)._domainkey", nil)) }
            if selectors.isEmpty {
                out.append(Check("dkim-selector", .warn, "DKIM keys are found by selector: give --dkim-selector NAME (or --provider) to check them"))
            }
        }
        for (relative, requirement) in names {
            let fqdn = "\(relative).\(domain)"
            let id = "dkim-\(relative.split(separator: ".").first ?? "")"
            if requirement?.type == "CNAME" {
                let target = (try? (await context.dns.records(fqdn, .cname)).get())?.first
                guard let target else {
                    out.append(Check(id, .fail, "\(fqdn) has no CNAME; the relay signs through it", record: "\(fqdn). CNAME \(requirement!.value)."))
                    continue
                }
                if RelayPattern.matches(target, pattern: requirement!.value) {
                    out.append(Check(id, .pass, "\(fqdn) → \(target)"))
                } else {
                    out.append(Check(id, .fail, "\(fqdn) points to \(target), not to \(requirement!.value)",
                                     record: "\(fqdn). CNAME \(requirement!.value)."))
                }
                continue
            }
            let txt = (try? (await context.dns.records(fqdn, .txt)).get()) ?? []
            guard let record = txt.first(where: { $0.contains("p=") }) else {
                out.append(Check(id, .fail, "no DKIM key at \(fqdn)",
                                 record: "\(fqdn). TXT \"v=DKIM1; k=rsa; p=\(requirement?.value ?? "<the public key your relay shows>")\""))
                continue
            }
            let key = DKIMKey(record)
            if key.publicKey?.isEmpty ?? true {
                out.append(Check(id, .fail, "the DKIM key at \(fqdn) is revoked (empty p=)", reference: "RFC 6376 section 3.6.1"))
            } else if key.keyType == "rsa" {
                guard let bits = key.rsaBits else {
                    out.append(Check(id, .fail, "the DKIM key at \(fqdn) cannot be read as an RSA public key"))
                    continue
                }
                if bits < 1024 {
                    out.append(Check(id, .fail, "the DKIM key at \(fqdn) is \(bits)-bit RSA; receivers ignore keys under 1024 bits: publish a 2048-bit key",
                                     reference: "RFC 8301 section 3.2"))
                } else if bits < 2048 {
                    out.append(Check(id, .warn, "the DKIM key at \(fqdn) is \(bits)-bit RSA; 2048 bits is recommended", reference: "RFC 8301 section 3.2"))
                } else {
                    out.append(Check(id, .pass, "DKIM key at \(fqdn): \(bits)-bit RSA"))
                }
            } else {
                out.append(Check(id, .pass, "DKIM key at \(fqdn): \(key.keyType)"))
            }
        }
        return out
    }

    /// Whether the keys looked at are all in place; nil when none was (a selector the user
    /// has not named leaves DKIM unknown, which is not DKIM missing).
    static func keysInPlace(_ context: DeliverabilityContext) async -> Bool? {
        let keys = await context.findings(of: DKIMRule()).filter { $0.id != "dkim-selector" }
        return keys.isEmpty ? nil : keys.allSatisfy { $0.status != .fail }
    }
}
