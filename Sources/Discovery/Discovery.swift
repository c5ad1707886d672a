import Catalog
import DNSClient
import Foundation
import MailFormats
import MailNet
import MailSettings
import SMTPClient
import Validator
import WebFetch

/// Finds settings for an address the way mail clients do, from every source at once.
public struct Discovery: Sendable {
    public let options: DiscoveryOptions
    let catalog: Catalog?

    public init(options: DiscoveryOptions, catalog: Catalog?) {
        self.options = options
        self.catalog = catalog
    }

    struct Found: Sendable {
        var outcome: SourceOutcome
        var settings: [ServerSetting]
        var weight: Int
    }

    public func discover(_ address: EmailAddress) async -> DiscoveryResult {
        let started = Date()
        let domain = address.domain
        var jobs: [@Sendable () async -> [Found]] = []
        jobs.append { [self] in [await timed("catalog", domain, weight: 100) { try self.fromCatalog(domain) }] }
        jobs.append { [self] in
            [await timed("autoconfig", "https://autoconfig.\(domain)/mail/config-v1.1.xml", weight: 90) {
                try await self.fromURL("https://autoconfig.\(domain)/mail/config-v1.1.xml?emailaddress=\(Self.queryEscaped(address.description))", domain)
            }]
        }
        jobs.append { [self] in
            [await timed("well-known", "https://\(domain)/.well-known/autoconfig/mail/config-v1.1.xml", weight: 88) {
                try await self.fromURL("https://\(domain)/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=\(Self.queryEscaped(address.description))", domain)
            }]
        }
        if options.allowHTTP {
            jobs.append { [self] in
                var f = await timed("autoconfig-http", "http://autoconfig.\(domain)/mail/config-v1.1.xml", weight: 30) {
                    try await self.fromURL("http://autoconfig.\(domain)/mail/config-v1.1.xml?emailaddress=\(Self.queryEscaped(address.description))", domain)
                }
                f.outcome.insecure = true
                return [f]
            }
        }
        if let base = options.ispdbBase {
            jobs.append { [self] in [await timed("ispdb", base + domain, weight: 80) { try await self.fromURL(base + domain, domain) }] }
        }
        jobs.append { [self] in await fromMX(domain) }
        jobs.append { [self] in [await timed("srv", "_submission(s)._tcp / _imap(s)._tcp / _pop3(s)._tcp.\(domain)", weight: 70) { try await self.fromSRV(domain) }] }
        if options.guess {
            jobs.append { [self] in [await timed("guess", "smtp., mail., imap., pop. and \(domain)", weight: 10) { await self.guesses(domain) }] }
        }
        var all: [Found] = []
        if options.sequential {
            for job in jobs { all += await job() }
        } else {
            all = await withTaskGroup(of: [Found].self) { group in
                for job in jobs { group.addTask { await job() } }
                var out: [Found] = []
                for await f in group { out += f }
                return out
            }
        }
        let sourcesDone = Date().timeIntervalSince(started)
        let order = ["catalog", "autoconfig", "well-known", "autoconfig-http", "ispdb", "mx-catalog", "mx-ispdb", "srv", "guess"]
        let sorted = all.sorted { (order.firstIndex(of: $0.outcome.source) ?? 99) < (order.firstIndex(of: $1.outcome.source) ?? 99) }
        var candidates = Self.rank(sorted)
        if options.verify { candidates = await verify(candidates, address: address) }
        return DiscoveryResult(address: address.description, domain: domain, sources: sorted.map(\.outcome),
                               candidates: candidates, provider: Self.provider(from: candidates, domain: domain),
                               sourcesSeconds: sourcesDone, totalSeconds: Date().timeIntervalSince(started))
    }

    static func queryEscaped(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }

    func timed(_ source: String, _ asked: String, weight: Int,
               _ body: @Sendable () async throws -> [ServerSetting]) async -> Found {
        let t0 = Date()
        do {
            let settings = try await body()
            return Found(outcome: SourceOutcome(source: source, asked: asked, ok: !settings.isEmpty,
                                                message: settings.isEmpty ? "nothing found" : "\(settings.count) setting(s)",
                                                seconds: Date().timeIntervalSince(t0), found: settings.count),
                         settings: settings, weight: weight)
        } catch {
            return Found(outcome: SourceOutcome(source: source, asked: asked, ok: false, message: "\(error)",
                                                seconds: Date().timeIntervalSince(t0), found: 0),
                         settings: [], weight: weight)
        }
    }

    // MARK: Sources

    func fromCatalog(_ domain: String) throws -> [ServerSetting] {
        guard let catalog, let entry = try? catalog.resolve(domain) else { return [] }
        let isOrganisation = ((try? catalog.organisationDomains()) ?? []).contains { $0.domain == domain }
        guard entry.provider.domains.contains(domain) || isOrganisation else { return [] }
        return entry.provider.servers
    }

    /// Discovery's own resolver (so --dns-server holds for every source and probe), with
    /// --resolve / --connect-to over it.
    var resolver: OverridingResolver {
        OverridingResolver(base: options.dns, overrides: options.connectTo.mapValues { ($0.host, $0.port) })
    }

    func fromURL(_ url: String, _ domain: String) async throws -> [ServerSetting] {
        let fetch = HTTPFetch(resolver: resolver, caFile: options.caFile, timeout: options.sourceTimeout)
        let response = try await fetch.get(url)
        guard response.status == 200 else { throw HTTPFetch.Failure(message: "HTTP \(response.status)") }
        let provider = try ClientConfig.read(response.body, source: url, fallbackID: domain).provider
        return provider.servers
    }

    /// The MX host's parent domains (aspmx.l.google.com → l.google.com, google.com) in
    /// the catalog, then in the ISPDB.
    func fromMX(_ domain: String) async -> [Found] {
        let t0 = Date()
        let mx: [MXRecord]
        do { mx = try await options.dns.mx(domain) } catch {
            let o = SourceOutcome(source: "mx-catalog", asked: "MX \(domain)", ok: false, message: "\(error)",
                                  seconds: Date().timeIntervalSince(t0), found: 0)
            return [Found(outcome: o, settings: [], weight: 60)]
        }
        guard let best = mx.first, !best.exchange.isEmpty else {
            let o = SourceOutcome(source: "mx-catalog", asked: "MX \(domain)", ok: false, message: "no MX records",
                                  seconds: Date().timeIntervalSince(t0), found: 0)
            return [Found(outcome: o, settings: [], weight: 60)]
        }
        let labels = best.exchange.split(separator: ".")
        let parents = (1..<max(1, labels.count - 1)).map { labels[$0...].joined(separator: ".") }.filter { $0 != domain }
        var found: [Found] = []
        var settings: [ServerSetting] = []
        var hit = "none of \(parents.joined(separator: ", ")) is in the catalog"
        for p in parents {
            if let s = try? fromCatalog(p), !s.isEmpty {
                settings = s
                hit = "MX \(best.exchange) → \(p) in the catalog"
                break
            }
        }
        found.append(Found(outcome: SourceOutcome(source: "mx-catalog", asked: "MX \(domain) → \(best.exchange)", ok: !settings.isEmpty,
                                                  message: hit, seconds: Date().timeIntervalSince(t0), found: settings.count),
                           settings: settings, weight: 60))
        if settings.isEmpty, let base = options.ispdbBase, let parent = parents.last {
            found.append(await timed("mx-ispdb", base + parent, weight: 55) { try await self.fromURL(base + parent, parent) })
        }
        return found
    }

    /// RFC 6186 and RFC 8314 service records; "." says a service is not offered.
    func fromSRV(_ domain: String) async throws -> [ServerSetting] {
        let services: [(String, ServerProtocol, ConnectionSecurity)] = [
            ("_submissions._tcp", .smtp, .tls), ("_submission._tcp", .smtp, .starttls),
            ("_imaps._tcp", .imap, .tls), ("_imap._tcp", .imap, .starttls),
            ("_pop3s._tcp", .pop3, .tls), ("_pop3._tcp", .pop3, .starttls),
        ]
        let answers = await withTaskGroup(of: (Int, [SRVRecord]).self) { group in
            for (i, s) in services.enumerated() {
                group.addTask { (i, (try? await options.dns.srv("\(s.0).\(domain)")) ?? []) }
            }
            var all: [(Int, [SRVRecord])] = []
            for await a in group { all.append(a) }
            return all.sorted { $0.0 < $1.0 }
        }
        var out: [ServerSetting] = []
        for (i, records) in answers {
            let (_, proto, security) = services[i]
            for r in records where !r.isNotOffered {
                guard let host = try? Hostname(r.target), let port = try? Port(Int(r.port)) else { continue }
                out.append(try ServerSetting(protocol: proto, hostname: host, port: port, security: security,
                                             authentication: [.passwordCleartext], username: .emailAddress))
            }
        }
        return out
    }

    /// The usual names and ports, each probed (SMTP by the SMTP client, IMAP and POP3 by
    /// their greeting); what answers is a candidate.
    func guesses(_ domain: String) async -> [ServerSetting] {
        var tries: [(ServerProtocol, String, Int, ConnectionSecurity)] = []
        for host in ["smtp.\(domain)", "mail.\(domain)", domain] {
            tries += [(.smtp, host, 465, .tls), (.smtp, host, 587, .starttls), (.smtp, host, 25, .starttls)]
        }
        for host in ["imap.\(domain)", "mail.\(domain)"] { tries += [(.imap, host, 993, .tls), (.imap, host, 143, .starttls)] }
        for host in ["pop.\(domain)", "mail.\(domain)"] { tries += [(.pop3, host, 995, .tls), (.pop3, host, 110, .starttls)] }
        let ok = await withTaskGroup(of: ServerSetting?.self) { group in
            for (proto, host, port, security) in tries {
                group.addTask {
                    guard let h = try? Hostname(host), let p = try? Port(port),
                          let s = try? ServerSetting(protocol: proto, hostname: h, port: p, security: security,
                                                     authentication: [.passwordCleartext], username: .emailAddress)
                    else { return nil }
                    // A name with no address is no guess worth probing.
                    guard let found = try? await resolver.resolve(host: host, port: port, timeout: options.sourceTimeout),
                          !found.isEmpty else { return nil }
                    return await probe(s).ok ? s : nil
                }
            }
            var out: [ServerSetting] = []
            for await s in group { if let s { out.append(s) } }
            return out
        }
        return ok.sorted { $0.summary < $1.summary }
    }

    // MARK: Ranking and checking

    /// One entry per distinct setting, best first: the most trusted source, then TLS over
    /// STARTTLS over none.
    static func rank(_ found: [Found]) -> [Candidate] {
        var best: [ServerSetting: Candidate] = [:]
        for f in found {
            for s in f.settings where s.hostname != nil && s.port != nil {
                let security = s.security == .tls ? 3 : s.security == .starttls ? 2 : 0
                let score = f.weight * 10 + security - (f.outcome.insecure ? 500 : 0)
                var key = s
                key.description = nil
                key.clientConfigExtras = []
                if best[key].map({ $0.score < score }) ?? true {
                    best[key] = Candidate(setting: s, source: f.outcome.source, score: score)
                }
            }
        }
        return best.values.sorted { ($0.score, $1.setting.summary) > ($1.score, $0.setting.summary) }
    }

    func verify(_ candidates: [Candidate], address: EmailAddress) async -> [Candidate] {
        await withTaskGroup(of: (Int, Candidate).self) { group in
            for (i, c) in candidates.enumerated() where !c.setting.protocol.isURLBased {
                group.addTask {
                    var c = c
                    // A guess is a candidate only because it just answered the same probe.
                    if c.source == "guess" {
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
            let reached = r.ok || ["credentials-missing", "auth-required"].contains(r.kind ?? "")
            return (reached, reached ? "answers (\(r.kind == nil ? "works" : "login not tried"))" : "\(r.kind ?? ""): \(r.message)")
        }
        return await GreetingProbe(trust: trust, timeout: options.sourceTimeout).check(s, resolver: resolver)
    }

    /// The best verified incoming and outgoing settings (or the best unverified ones when
    /// nothing was checked), as a provider for the export formats.
    static func provider(from candidates: [Candidate], domain: String) -> Provider? {
        let usable = candidates.filter { $0.verified != false }
        let incoming = usable.first { $0.setting.role == .incoming && !$0.setting.protocol.isURLBased }
        let outgoing = usable.first { $0.setting.role == .outgoing }
        let servers = [incoming, outgoing].compactMap { $0?.setting }
        guard !servers.isEmpty else { return nil }
        return try? Provider(id: "discovered-\(domain)", displayName: "\(domain) (discovered)",
                             kind: incoming == nil ? .relay : .mailbox, domains: [domain], servers: servers)
    }
}
