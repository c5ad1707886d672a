import DNSClient
import Foundation
import MailSettings
import WebFetch

/// Is this sending domain's DNS right for the chosen relay? SPF, DKIM, DMARC, MX, the
/// relay's bounce domain, MTA-STS and TLS-RPT, each with the record that would fix it.
public struct DeliverabilityCheck: Sendable {
    let dns: DNSResolver
    /// For the MTA-STS policy file (address overrides and a CA file for tests).
    let fetch: HTTPFetch

    public init(dns: DNSResolver, fetch: HTTPFetch = HTTPFetch()) {
        self.dns = dns
        self.fetch = fetch
    }

    static let bulkSenderRules = "Gmail and Yahoo bulk-sender rules (in force since February 2024): https://support.google.com/a/answer/81126, https://senders.yahooinc.com/best-practices/"

    public func check(domain rawDomain: String, provider: Provider?, dkimSelectors: [String] = []) async -> DeliverabilityReport {
        let started = Date()
        let domain = rawDomain.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let cache = CachingResolver(dns)
        let requirements = provider?.dnsRecords ?? []
        async let spfResult = SPFEvaluator(dns: cache).evaluate(domain)
        async let dmarcTXT = cache.records("_dmarc.\(domain)", .txt)
        async let mx = cache.records(domain, .mx)
        async let mtaSTS = cache.records("_mta-sts.\(domain)", .txt)
        async let tlsRPT = cache.records("_smtp._tls.\(domain)", .txt)
        async let dkimChecks = dkim(domain, requirements, dkimSelectors, cache)
        async let returnPath = returnPathChecks(domain, requirements, cache)

        var checks: [Check] = []
        let spf = await spfResult
        checks += spfChecks(domain, spf, requirements, provider)
        let dkimFound = await dkimChecks
        checks += dkimFound
        let (dmarcChecks, dmarc) = dmarcChecks(domain, await dmarcTXT)
        checks += dmarcChecks
        checks += await returnPath
        // Keys actually looked at; a selector the user has not named leaves DKIM unknown.
        let keyChecks = dkimFound.filter { $0.id != "dkim-selector" }
        let dkimOK = !keyChecks.isEmpty && keyChecks.allSatisfy { $0.status != .fail }
        let dkimUnknown = keyChecks.isEmpty
        checks.append(alignment(provider, requirements, dkimOK: dkimOK))
        let spfOK = spf.record != nil && spf.errors.isEmpty
        let dmarcOK = dmarc.map { $0.errors.isEmpty } ?? false
        let missing = [spfOK ? nil : "SPF", dkimOK || dkimUnknown ? nil : "DKIM", dmarcOK ? nil : "DMARC"].compactMap { $0 }
        if !missing.isEmpty {
            checks.append(Check("bulk-senders", .fail,
                                "Gmail and Yahoo require SPF, DKIM and a DMARC record of senders of 5,000+ messages a day; missing here: "
                                    + missing.joined(separator: ", "), reference: Self.bulkSenderRules))
        } else if dkimUnknown {
            checks.append(Check("bulk-senders", .warn,
                                "SPF and DMARC are in place; DKIM could not be checked without --dkim-selector, and Gmail and Yahoo require it of bulk senders",
                                reference: Self.bulkSenderRules))
        } else {
            checks.append(Check("bulk-senders", .pass, "SPF, DKIM and DMARC are all in place, as Gmail and Yahoo require of bulk senders",
                                reference: Self.bulkSenderRules))
        }
        switch await mx {
        case .success(let records) where !records.isEmpty:
            checks.append(Check("mx", .pass, "MX: \(records.joined(separator: ", ")) (replies and bounces have somewhere to go)"))
        default:
            checks.append(Check("mx", .warn, "\(domain) has no MX record: replies and bounces to this domain cannot be delivered",
                                record: "\(domain). MX 10 mail.\(domain).", reference: "RFC 5321 section 5.1"))
        }
        let sts = (try? (await mtaSTS).get()) ?? []
        if sts.contains(where: { $0.hasPrefix("v=STSv1") }) {
            let mxHosts = ((try? (await mx).get()) ?? []).compactMap { $0.split(separator: " ").last.map(String.init) }
            checks.append(await mtaSTSPolicy(domain, mxHosts: mxHosts))
        } else {
            checks.append(Check("mta-sts", .warn, "recommended: MTA-STS tells sending servers to insist on TLS to your MX",
                                record: "_mta-sts.\(domain). TXT \"v=STSv1; id=\(Self.stamp())\"  (and serve https://mta-sts.\(domain)/.well-known/mta-sts.txt)",
                                reference: "RFC 8461"))
        }
        let rpt = (try? (await tlsRPT).get()) ?? []
        checks.append(rpt.contains { $0.hasPrefix("v=TLSRPTv1") }
            ? Check("tls-rpt", .pass, "TLS-RPT reports are requested (_smtp._tls TXT)")
            : Check("tls-rpt", .warn, "recommended: TLS-RPT sends you reports of TLS failures delivering to you",
                    record: "_smtp._tls.\(domain). TXT \"v=TLSRPTv1; rua=mailto:tls-reports@\(domain)\"", reference: "RFC 8460"))
        return DeliverabilityReport(domain: domain, provider: provider?.id, checks: checks, queries: await cache.sent,
                                    seconds: Date().timeIntervalSince(started), spf: spf, dmarc: dmarc)
    }

    static func stamp() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd"
        f.timeZone = TimeZone(secondsFromGMT: 0)
        return f.string(from: Date()) + "T000000"
    }

    // MARK: MTA-STS

    /// The policy file (RFC 8461 section 3.2), fetched over https with the certificate
    /// checked: mode, max_age, and mx patterns that cover every MX host.
    func mtaSTSPolicy(_ domain: String, mxHosts: [String]) async -> Check {
        let host = "mta-sts.\(domain)"
        let url = "https://\(host)/.well-known/mta-sts.txt"
        var fetcher = fetch
        if fetcher.overrides["\(host):443"] == nil, let address = try? await dns.addresses(host).first {
            fetcher.overrides["\(host):443"] = (address, 443)
        }
        let body: String
        do {
            let r = try await fetcher.get(url)
            guard r.status == 200 else {
                return Check("mta-sts", .fail, "_mta-sts announces a policy, but \(url) answers HTTP \(r.status)", reference: "RFC 8461 section 3.3")
            }
            body = String(decoding: r.body, as: UTF8.self)
        } catch {
            return Check("mta-sts", .fail, "_mta-sts announces a policy, but \(url) cannot be fetched: \(error)", reference: "RFC 8461 section 3.3")
        }
        var fields: [String: [String]] = [:]
        for line in body.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let kv = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if kv.count == 2 { fields[kv[0].lowercased(), default: []].append(kv[1]) }
        }
        guard fields["version"]?.first == "STSv1" else {
            return Check("mta-sts", .fail, "the policy at \(url) does not say version: STSv1", reference: "RFC 8461 section 3.2")
        }
        guard let mode = fields["mode"]?.first, ["enforce", "testing", "none"].contains(mode) else {
            return Check("mta-sts", .fail, "the policy's mode must be enforce, testing or none", reference: "RFC 8461 section 3.2")
        }
        guard let maxAge = fields["max_age"]?.first.flatMap(Int.init), (0...31_557_600).contains(maxAge) else {
            return Check("mta-sts", .fail, "the policy's max_age must be a number of seconds up to 31557600", reference: "RFC 8461 section 3.2")
        }
        let patterns = fields["mx"] ?? []
        let uncovered = mxHosts.filter { mxHost in !patterns.contains { Self.stsMatches(mxHost, $0) } }
        if mode != "none" && !uncovered.isEmpty {
            return Check("mta-sts", .fail, "the policy's mx lines (\(patterns.joined(separator: ", "))) do not cover \(uncovered.joined(separator: ", ")): senders would refuse to deliver there",
                         reference: "RFC 8461 section 4.1")
        }
        if mode == "testing" {
            return Check("mta-sts", .warn, "MTA-STS is in testing mode: failures are only reported; use mode: enforce when TLS-RPT reports are clean",
                         reference: "RFC 8461 section 5")
        }
        return Check("mta-sts", mode == "none" ? .warn : .pass, "MTA-STS policy: mode \(mode), max_age \(maxAge) s, mx \(patterns.joined(separator: ", "))")
    }

    /// `*.example.org` matches exactly one more label (RFC 8461 section 4.1).
    static func stsMatches(_ host: String, _ pattern: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let p = pattern.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if p.hasPrefix("*.") {
            let rest = p.dropFirst(2)
            guard let dot = h.firstIndex(of: ".") else { return false }
            return h[h.index(after: dot)...] == rest
        }
        return h == p
    }

    // MARK: SPF

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

    func spfChecks(_ domain: String, _ spf: SPFResult, _ requirements: [DNSRequirement], _ provider: Provider?) -> [Check] {
        let include = Self.relayInclude(requirements)
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
        if let include, let provider, spf.errors.isEmpty {
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

    // MARK: DKIM

    func dkim(_ domain: String, _ requirements: [DNSRequirement], _ selectors: [String], _ cache: CachingResolver) async -> [Check] {
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
                let target = (try? (await cache.records(fqdn, .cname)).get())?.first
                guard let target else {
                    out.append(Check(id, .fail, "\(fqdn) has no CNAME; the relay signs through it", record: "\(fqdn). CNAME \(requirement!.value)."))
                    continue
                }
                if Self.matches(target, pattern: requirement!.value) {
                    out.append(Check(id, .pass, "\(fqdn) → \(target)"))
                } else {
                    out.append(Check(id, .fail, "\(fqdn) points to \(target), not to \(requirement!.value)",
                                     record: "\(fqdn). CNAME \(requirement!.value)."))
                }
                continue
            }
            let txt = (try? (await cache.records(fqdn, .txt)).get()) ?? []
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

    /// `s1.domainkey.u{ID}.wl{N}.sendgrid.net` matches `s1.domainkey.u123.wl45.sendgrid.net`.
    static func matches(_ value: String, pattern: String) -> Bool {
        let v = value.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        var regex = "^"
        var inBrace = false
        for c in pattern.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) {
            if c == "{" { inBrace = true; regex += "[a-z0-9-]*"; continue }
            if c == "}" { inBrace = false; continue }
            if inBrace { continue }
            regex += NSRegularExpression.escapedPattern(for: String(c))
        }
        return v.range(of: regex + "$", options: .regularExpression) != nil
    }

    // MARK: DMARC, alignment, bounce domain

    func dmarcChecks(_ domain: String, _ answer: Result<[String], DNSError>) -> ([Check], DMARCRecord?) {
        let add = "_dmarc.\(domain). TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@\(domain)\""
        let records = ((try? answer.get()) ?? []).filter { $0.hasPrefix("v=DMARC1") || $0.lowercased().hasPrefix("v=dmarc") }
        guard !records.isEmpty else {
            return ([Check("dmarc-present", .fail, "\(domain) has no DMARC record (_dmarc.\(domain))", record: add,
                           reference: "RFC 7489 section 6.1; " + Self.bulkSenderRules)], nil)
        }
        guard records.count == 1 else {
            return ([Check("dmarc-present", .fail, "\(domain) has \(records.count) DMARC records; receivers then ignore DMARC", record: add,
                           reference: "RFC 7489 section 6.6.3")], nil)
        }
        let dmarc = DMARCRecord.parse(records[0])
        var out: [Check] = []
        if !dmarc.errors.isEmpty {
            for e in dmarc.errors { out.append(Check("dmarc-valid", .fail, e, record: add, reference: "RFC 7489 section 6.3")) }
            return (out, dmarc)
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
        return (out, dmarc)
    }

    func alignment(_ provider: Provider?, _ requirements: [DNSRequirement], dkimOK: Bool) -> Check {
        guard let provider else {
            return Check("dmarc-alignment", dkimOK ? .pass : .warn,
                         dkimOK ? "DKIM keys are on this domain, so DKIM aligns with the From domain"
                                : "without a relay given, alignment cannot be told; DKIM signing with d= this domain aligns",
                         reference: "RFC 7489 section 3.1")
        }
        let customReturnPath = requirements.contains { $0.purpose == .returnPath }
        let spfNote = customReturnPath
            ? "SPF aligns when the return-path subdomain (\(requirements.first { $0.purpose == .returnPath }!.name)) points to \(provider.displayName)"
            : "SPF passes for \(provider.displayName)'s own bounce domain, which does not align with yours"
        return Check("dmarc-alignment", dkimOK ? .pass : .warn,
                     "\(spfNote); DKIM \(dkimOK ? "signs with your domain through the records above, so DMARC passes on DKIM" : "is not set up, so DMARC can pass only on SPF alignment")",
                     reference: "RFC 7489 section 3.1")
    }

    func returnPathChecks(_ domain: String, _ requirements: [DNSRequirement], _ cache: CachingResolver) async -> [Check] {
        var out: [Check] = []
        for r in requirements where r.purpose == .returnPath && r.type == "CNAME" {
            guard !r.name.contains("{") else {
                out.append(Check("return-path", .warn, "the relay's return-path name (\(r.name).\(domain)) is account-specific: check it in the relay's console"))
                continue
            }
            let fqdn = "\(r.name).\(domain)"
            let target = (try? (await cache.records(fqdn, .cname)).get())?.first
            if let target, Self.matches(target, pattern: r.value) {
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
