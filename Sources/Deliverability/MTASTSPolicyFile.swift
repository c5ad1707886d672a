import DNSClient
import Foundation
import WebFetch

/// The MTA-STS policy file (RFC 8461 section 3.2), fetched over https with the
/// certificate checked: mode, max_age, and mx patterns that cover every MX host.
enum MTASTSPolicyFile {
    static func check(_ domain: String, mxHosts: [String], fetch: HTTPFetch, dns: DNSResolver) async -> Check {
        let host = "mta-sts.\(domain)"
        let url = "https://\(host)/.well-known/mta-sts.txt"
        // The policy host through mailconf's own resolver (--dns-server), with
        // --connect-to over it: MailNet's one resolver protocol.
        var fetcher = fetch
        fetcher.resolver = dns
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
        let policy: Policy
        switch Policy.parse(body) {
        case .success(let p): policy = p
        case .failure(let why): return Check("mta-sts", .fail, "the policy at \(url) \(why.message)", reference: why.reference)
        }
        let (mode, maxAge, patterns) = (policy.mode, policy.maxAge, policy.mx)
        let uncovered = mxHosts.filter { mxHost in !patterns.contains { Self.matches(mxHost, $0) } }
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

    /// A policy's fields (RFC 8461 section 3.2). The body is untrusted: lines end in LF or
    /// CRLF, a line without `:` is no field, names are case-insensitive, the first
    /// version, mode and max_age count and every mx line is kept.
    struct Policy: Equatable {
        var mode: String
        var maxAge: Int
        var mx: [String]

        struct Problem: Error, Equatable {
            var message: String
            var reference = "RFC 8461 section 3.2"
        }

        static func parse(_ body: String) -> Result<Policy, Problem> {
            var fields: [String: [String]] = [:]
            for line in body.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                let kv = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                if kv.count == 2 { fields[kv[0].lowercased(), default: []].append(kv[1]) }
            }
            guard fields["version"]?.first == "STSv1" else { return .failure(Problem(message: "does not say version: STSv1")) }
            guard let mode = fields["mode"]?.first, ["enforce", "testing", "none"].contains(mode) else {
                return .failure(Problem(message: "has no mode of enforce, testing or none"))
            }
            guard let maxAge = fields["max_age"]?.first.flatMap(Int.init), (0...31_557_600).contains(maxAge) else {
                return .failure(Problem(message: "has no max_age in seconds up to 31557600"))
            }
            return .success(Policy(mode: mode, maxAge: maxAge, mx: fields["mx"] ?? []))
        }
    }

    /// `*.example.org` matches exactly one more label (RFC 8461 section 4.1).
    static func matches(_ host: String, _ pattern: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let p = pattern.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if p.hasPrefix("*.") {
            let rest = p.dropFirst(2)
            guard let dot = h.firstIndex(of: ".") else { return false }
            return h[h.index(after: dot)...] == rest
        }
        return h == p
    }
}
