import Failures
import MailNet
import MailSettings
import Validator

/// The live checks: does each candidate answer as set? Nothing logs in.
extension DiscoveryContext {
    func verify(_ candidates: [Candidate], address: EmailAddress) async -> [Candidate] {
        await withTaskGroup(of: (Int, Candidate).self) { group in
            for (i, c) in candidates.enumerated() where !c.setting.protocol.isURLBased {
                group.addTask {
                    var c = c
                    // A guess is a candidate only because it just answered the same probe.
                    if c.source == .guess {
                        c.verified = true
                        c.check = "answered when guessed"
                        return (i, c)
                    }
                    guard var s = c.setting.hostname.flatMap({ try? $0.expanded(for: address) }).map({ h -> ServerSetting in
                        var s = c.setting
                        s.hostname = h
                        return s
                    }) else { return (i, c) }
                    s.description = c.setting.description
                    let outcome = await probe(s)
                    c.verified = outcome.ok
                    c.check = outcome.message
                    return (i, c)
                }
            }
            var out = candidates
            for await (i, c) in group { out[i] = c }
            // Verified first, keeping the ranking within each group.
            return out.enumerated().sorted { a, b in
                let va = a.element.verified == true ? 0 : 1, vb = b.element.verified == true ? 0 : 1
                return (va, a.offset) < (vb, b.offset)
            }.map(\.element)
        }
    }

    var trust: TrustPolicy { options.caFile.map { .caFile($0) } ?? .system }

    /// Does this setting answer as set? SMTP through the validator (connect, TLS,
    /// certificate, EHLO; no login), IMAP and POP3 by their greeting.
    func probe(_ s: ServerSetting) async -> (ok: Bool, message: String) {
        // The resolver carries --connect-to HOST:PORT:ADDRESS:PORT2 to the probes too; the
        // certificate is still checked against HOST.
        if s.protocol == .smtp {
            var request = VerifyRequest(setting: s, trust: trust, timeout: options.sourceTimeout)
            request.resolver = resolver
            // Not even with a Kerberos ticket that happens to be at hand.
            request.logIn = false
            let r = await LiveCheck.verify(request)
            // Without credentials the login cannot be tried: reaching it is the check.
            let reached = r.ok || r.kind == .credentialsMissing || r.kind == .authRequired
            return (reached, reached ? "answers (\(r.kind == nil ? "works" : "login not tried"))" : "\(r.kind?.name ?? ""): \(r.message)")
        }
        return await GreetingProbe(trust: trust, timeout: options.sourceTimeout).check(s, resolver: resolver)
    }
}
