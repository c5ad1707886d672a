import MailSettings

/// The usual names and ports, each probed (SMTP by the SMTP client, IMAP and POP3 by
/// their greeting); what answers is a candidate.
struct GuessSource: DiscoverySource {
    func answers(for address: EmailAddress, in context: DiscoveryContext) async -> [SourceAnswer] {
        let domain = address.domain
        return [await context.timed(.guess, asked: "smtp., mail., imap., pop. and \(domain)") {
            await Self.guesses(domain, in: context)
        }]
    }

    /// Submission on smtp., mail. and the domain itself, IMAP on imap. and mail., POP3 on
    /// pop. and mail.: each on its TLS port and its STARTTLS one (and SMTP on 25).
    static func tries(_ domain: String) -> [(ServerProtocol, String, Int, ConnectionSecurity)] {
        var tries: [(ServerProtocol, String, Int, ConnectionSecurity)] = []
        for host in ["smtp.\(domain)", "mail.\(domain)", domain] {
            tries += [(.smtp, host, 465, .tls), (.smtp, host, 587, .starttls), (.smtp, host, 25, .starttls)]
        }
        for host in ["imap.\(domain)", "mail.\(domain)"] { tries += [(.imap, host, 993, .tls), (.imap, host, 143, .starttls)] }
        for host in ["pop.\(domain)", "mail.\(domain)"] { tries += [(.pop3, host, 995, .tls), (.pop3, host, 110, .starttls)] }
        return tries
    }

    /// All probed at once; the ones that answered, in a stable order.
    static func guesses(_ domain: String, in context: DiscoveryContext) async -> [ServerSetting] {
        let ok = await withTaskGroup(of: ServerSetting?.self) { group in
            for (proto, host, port, security) in tries(domain) {
                group.addTask {
                    guard let h = try? Hostname(host), let p = try? Port(port),
                          let s = try? ServerSetting(protocol: proto, hostname: h, port: p, security: security,
                                                     authentication: [.passwordCleartext], username: .emailAddress)
                    else { return nil }
                    // A name with no address is no guess worth probing.
                    guard let found = try? await context.resolver.resolve(host: host, port: port, timeout: context.options.sourceTimeout),
                          !found.isEmpty else { return nil }
                    return await context.probe(s).ok ? s : nil
                }
            }
            var out: [ServerSetting] = []
            for await s in group { if let s { out.append(s) } }
            return out
        }
        return ok.sorted { $0.summary < $1.summary }
    }
}
