import DNSClient
import MailSettings

/// DKIM: the relay's selector records (CNAMEs to its keys, or a TXT key), or the keys at
/// the selectors the user names, each read for what receivers accept.
struct DKIMRule: DeliverabilityRule {
    let id = "dkim"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        var out: [Check] = []
        for (relative, requirement) in Self.selectorNames(context, notes: &out) {
            let fqdn = "\(relative).\(context.domain)"
            let id = "dkim-\(relative.split(separator: ".").first ?? "")"
            if let requirement, requirement.type == "CNAME" {
                out.append(await Self.checkCNAME(fqdn, id: id, requirement: requirement, context))
            } else {
                out.append(await Self.checkKey(fqdn, id: id, requirement: requirement, context))
            }
        }
        return out
    }

    /// The selector names to look at: the relay's (an account-specific one for each
    /// selector the user names), else `SELECTOR._domainkey` for each named; a note in
    /// `notes` where a selector is needed and none was given.
    static func selectorNames(_ context: DeliverabilityContext,
                              notes out: inout [Check]) -> [(name: String, requirement: DNSRequirement?)] {
        let (requirements, selectors) = (context.requirements, context.dkimSelectors)
        var names: [(name: String, requirement: DNSRequirement?)] = []
        for r in requirements where r.purpose == .dkim {
            guard let open = r.name.firstIndex(of: "{"), let close = r.name[open...].firstIndex(of: "}") else {
                names.append((r.name, r))
                continue
            }
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
        }
        if requirements.allSatisfy({ $0.purpose != .dkim }) {
            for s in selectors { names.append(("\(s)._domainkey", nil)) }
            if selectors.isEmpty {
                out.append(Check("dkim-selector", .warn, "DKIM keys are found by selector: give --dkim-selector NAME (or --provider) to check them"))
            }
        }
        return names
    }

    /// A relay's selector that must be a CNAME to its key.
    static func checkCNAME(_ fqdn: String, id: String, requirement: DNSRequirement, _ context: DeliverabilityContext) async -> Check {
        guard let target = (try? (await context.dns.records(fqdn, .cname)).get())?.first else {
            return Check(id, .fail, "\(fqdn) has no CNAME; the relay signs through it", record: "\(fqdn). CNAME \(requirement.value).")
        }
        if RelayPattern.matches(target, pattern: requirement.value) { return Check(id, .pass, "\(fqdn) → \(target)") }
        return Check(id, .fail, "\(fqdn) points to \(target), not to \(requirement.value)", record: "\(fqdn). CNAME \(requirement.value).")
    }

    /// A TXT key, graded as receivers read it (revoked, unreadable, too short).
    static func checkKey(_ fqdn: String, id: String, requirement: DNSRequirement?, _ context: DeliverabilityContext) async -> Check {
        let txt = (try? (await context.dns.records(fqdn, .txt)).get()) ?? []
        guard let record = txt.first(where: { $0.contains("p=") }) else {
            return Check(id, .fail, "no DKIM key at \(fqdn)",
                         record: "\(fqdn). TXT \"v=DKIM1; k=rsa; p=\(requirement?.value ?? "<the public key your relay shows>")\"")
        }
        let key = DKIMKey(record)
        if key.publicKey?.isEmpty ?? true {
            return Check(id, .fail, "the DKIM key at \(fqdn) is revoked (empty p=)", reference: "RFC 6376 section 3.6.1")
        }
        guard key.keyType == "rsa" else { return Check(id, .pass, "DKIM key at \(fqdn): \(key.keyType)") }
        guard let bits = key.rsaBits else { return Check(id, .fail, "the DKIM key at \(fqdn) cannot be read as an RSA public key") }
        if bits < 1024 {
            return Check(id, .fail, "the DKIM key at \(fqdn) is \(bits)-bit RSA; receivers ignore keys under 1024 bits: publish a 2048-bit key",
                         reference: "RFC 8301 section 3.2")
        }
        if bits < 2048 {
            return Check(id, .warn, "the DKIM key at \(fqdn) is \(bits)-bit RSA; 2048 bits is recommended", reference: "RFC 8301 section 3.2")
        }
        return Check(id, .pass, "DKIM key at \(fqdn): \(bits)-bit RSA")
    }

    /// Whether the keys looked at are all in place; nil when none was (a selector the user
    /// has not named leaves DKIM unknown, which is not DKIM missing).
    static func keysInPlace(_ context: DeliverabilityContext) async -> Bool? {
        let keys = await context.findings(of: DKIMRule()).filter { $0.id != "dkim-selector" }
        return keys.isEmpty ? nil : keys.allSatisfy { $0.status != .fail }
    }
}
