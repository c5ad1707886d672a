import ClientExport
import DNSClient
import MailSettings
import WebFetch

/// What a mail client finds for an organisation's domain, checked from outside against
/// the catalog: the autoconfig and Autodiscover hosts (they resolve to the server, their
/// https certificate is valid for the name, and the answer is the catalog's byte for
/// byte), the `_autodiscover._tcp` SRV record, the RFC 6186/8314 SRV records, the MX,
/// Apple's user-agent auto-configuration (its host, answer and digest record), and
/// whether every source gives the same servers.
public struct DomainCheck: Sendable {
    public var domain: String
    public var provider: Provider
    /// The host name or address `autoconfig.` and `autodiscover.` should lead to (where
    /// `mailconf serve` runs); nil: any.
    public var server: String?
    public var dns: DNSResolver
    /// How the https answers are fetched (the resolver, --connect-to, a CA file).
    public var fetch: HTTPFetch

    public init(domain: String, provider: Provider, server: String?, dns: DNSResolver, fetch: HTTPFetch) {
        self.domain = domain.lowercased()
        self.provider = provider
        self.server = server.map(Self.bare)
        self.dns = dns
        self.fetch = fetch
    }

    /// The address the checks ask for: any address at the domain gets the same servers.
    var probe: EmailAddress { (try? EmailAddress("mailconf-check@\(domain)")) ?? (try! EmailAddress("mailconf-check@example.org")) }

    public func run() async -> DomainReport {
        async let autoconfigHost = host("autoconfig.\(domain)")
        async let autodiscoverHost = host("autodiscover.\(domain)")
        async let autodiscoverSRV = autodiscoverRecord()
        async let services = serviceRecords()
        async let mx = mxRecord()
        async let userAgent = userAgentConfiguration()
        let (autoconfig, autoconfigResolves) = await autoconfigHost
        let (autodiscover, autodiscoverResolves) = await autodiscoverHost
        async let autoconfigAnswer = autoconfigResolves ? thunderbirdAnswer() : nil
        async let autodiscoverAnswer = autodiscoverResolves ? autodiscoverAnswer() : nil
        var findings = [autoconfig]
        if let answer = await autoconfigAnswer { findings.append(answer) }
        findings.append(autodiscover)
        if let answer = await autodiscoverAnswer { findings.append(answer) }
        findings.append(await autodiscoverSRV)
        let srv = await services
        findings += srv
        findings.append(await mx)
        findings += await userAgent
        findings.append(agreement(findings))
        return DomainReport(domain: domain, provider: provider.id, findings: findings)
    }

    // MARK: the autoconfig and Autodiscover hosts

    /// A host's A/AAAA (or CNAME) record, against the server when one was named; and
    /// whether it resolves at all (its https answer is fetched only then).
    func host(_ name: String) async -> (DomainFinding, resolves: Bool) {
        let cname = (try? await dns.cname(name)) ?? nil
        let addresses = (try? await dns.addresses(name)) ?? []
        let via = cname.map { "CNAME \(bare($0)) → " } ?? ""
        guard !addresses.isEmpty else {
            let missing = "no A, AAAA or CNAME record: clients cannot reach it"
            guard let server else { return (DomainFinding(name, .fix, missing + " (give --server HOST for the line to add)"), false) }
            return (DomainFinding(name, .fix, missing, zoneLine: ZoneLine.pointer(name, to: server)), false)
        }
        guard let server else { return (DomainFinding(name, .ok, "\(via)\(addresses.joined(separator: ", "))"), true) }
        let expected = DNSResolver.isIPAddress(server) ? [server] : ((try? await dns.addresses(server)) ?? [])
        if cname.map(bare) == server || !Set(addresses).isDisjoint(with: expected) {
            return (DomainFinding(name, .ok, "\(via)\(addresses.joined(separator: ", ")), the server"), true)
        }
        return (DomainFinding(name, .fix, "\(via)\(addresses.joined(separator: ", ")), not the server \(server)"
                              + (expected.isEmpty || expected == [server] ? "" : " (\(expected.joined(separator: ", ")))"),
                              zoneLine: ZoneLine.pointer(name, to: server)), true)
    }

    func thunderbirdAnswer() async -> DomainFinding {
        let url = "https://autoconfig.\(domain)/mail/config-v1.1.xml?emailaddress=mailconf-check%40\(domain)"
        let expected: String
        do { expected = try ServedAnswers.thunderbird(provider, domain: domain) } catch {
            return DomainFinding(url, .fix, "the catalog has no autoconfig answer for \(provider.id): \(error.message)")
        }
        return await compare(url, expected: expected) { try await fetch.get(url) }
    }

    func autodiscoverAnswer() async -> DomainFinding {
        let url = "https://autodiscover.\(domain)/autodiscover/autodiscover.xml"
        let expected: String
        do { expected = try ServedAnswers.autodiscover(provider, address: probe) } catch {
            return DomainFinding(url, .fix, "the catalog has no Autodiscover answer for \(provider.id): \(error.message)")
        }
        let request = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request>\
            <EMailAddress>\(probe)</EMailAddress>\
            <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\
            </Request></Autodiscover>
            """
        return await compare(url, expected: expected) {
            try await fetch.post(url, body: Array(request.utf8), contentType: "text/xml; charset=utf-8")
        }
    }

    /// An https answer against the catalog's, byte for byte.
    func compare(_ url: String, expected: String, _ ask: () async throws -> HTTPFetch.Response) async -> DomainFinding {
        let response: HTTPFetch.Response
        do { response = try await ask() } catch {
            let failure = error as? HTTPFetch.Failure
            let certificate = failure?.cause.map { $0.name.hasPrefix("certificate-") } == true
            let host = url.split(separator: "/").dropFirst().first.map(String.init) ?? url
            // The finding is named by the URL already.
            var message = failure?.message ?? "\(error)"
            if message.hasPrefix(url + ": ") { message = String(message.dropFirst(url.count + 2)) }
            return DomainFinding(url, .fix, message + (certificate ? "; serve it with a certificate valid for \(host)" : ""))
        }
        guard response.status == 200 else { return DomainFinding(url, .fix, "answers HTTP \(response.status), not 200 with the settings") }
        let wanted = Array(expected.utf8)
        if response.body == wanted { return DomainFinding(url, .ok, "the catalog's answer, byte for byte (\(wanted.count) bytes)") }
        return DomainFinding(url, .fix, "not the catalog's answer: " + Self.firstDifference(Array(response.body), wanted))
    }

    /// Where two answers part, by line, each side shortened.
    static func firstDifference(_ got: [UInt8], _ wanted: [UInt8]) -> String {
        let a = String(decoding: got, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let b = String(decoding: wanted, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        func short(_ s: Substring?) -> String {
            guard let s else { return "(nothing)" }
            let t = s.trimmingCharacters(in: .whitespaces).filter { !$0.isASCII || $0.asciiValue! >= 0x20 }
            return "'\(t.prefix(80))\(t.count > 80 ? "…" : "")'"
        }
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : nil) != (i < b.count ? b[i] : nil) {
            return "line \(i + 1) is \(short(i < a.count ? a[i] : nil)), the catalog's is \(short(i < b.count ? b[i] : nil))"
        }
        return "\(got.count) bytes, the catalog's \(wanted.count)"
    }

    // MARK: SRV and MX

    /// `_autodiscover._tcp`: Outlook's fallback when autodiscover.DOMAIN does not answer.
    func autodiscoverRecord() async -> DomainFinding {
        let name = "_autodiscover._tcp.\(domain)"
        // An SRV target is a host name; with an address as the server, autodiscover.DOMAIN.
        let target = server.map { DNSResolver.isIPAddress($0) ? "autodiscover.\(domain)" : $0 } ?? "autodiscover.\(domain)"
        let records = ((try? await dns.srv(name)) ?? []).filter { !$0.isNotOffered }
        let line = ZoneLine.srv(name, port: 443, target: target)
        guard !records.isEmpty else {
            return DomainFinding(name, .note, "absent: Outlook asks autodiscover.\(domain) first, and this record only when that fails", zoneLine: line)
        }
        if records.contains(where: { $0.port == 443 && (bare($0.target) == target || server == nil) }) {
            return DomainFinding(name, .ok, records.map(describe).joined(separator: ", "))
        }
        return DomainFinding(name, .fix, "\(records.map(describe).joined(separator: ", ")), not \(target):443", zoneLine: line)
    }

    /// RFC 6186 (and 8314's implicit-TLS) SRV names, each against the catalog's first
    /// server of that kind.
    static let services: [(service: String, protocol: ServerProtocol, implicitTLS: Bool)] = [
        ("submissions", .smtp, true), ("submission", .smtp, false),
        ("imaps", .imap, true), ("imap", .imap, false),
        ("pop3s", .pop3, true), ("pop3", .pop3, false),
    ]

    /// The catalog's server for an SRV name: host (for the probe address) and port.
    func expected(_ `protocol`: ServerProtocol, implicitTLS: Bool) -> (host: String, port: Int)? {
        let servers = `protocol` == .smtp ? provider.outgoing : provider.incoming
        let match = servers.first { (s: ServerSetting) -> Bool in
            guard s.protocol == `protocol`, s.port != nil else { return false }
            let isImplicit = s.security == .tls
            guard isImplicit == implicitTLS else { return false }
            // Submission (587) is STARTTLS; a plaintext SMTP port is no SRV service.
            return `protocol` != .smtp || implicitTLS || s.security == .starttls
        }
        guard let match, let port = match.port, let host = try? match.hostname?.expanded(for: probe) else { return nil }
        return (host.name.lowercased(), Int(port.value))
    }

    func serviceRecords() async -> [DomainFinding] {
        await withTaskGroup(of: (Int, DomainFinding).self) { group in
            for (i, s) in Self.services.enumerated() {
                group.addTask { (i, await serviceRecord(s.service, s.protocol, implicitTLS: s.implicitTLS)) }
            }
            var all: [(Int, DomainFinding)] = []
            for await item in group { all.append(item) }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    func serviceRecord(_ service: String, _ `protocol`: ServerProtocol, implicitTLS: Bool) async -> DomainFinding {
        let name = "_\(service)._tcp.\(domain)"
        let records = (try? await dns.srv(name)) ?? []
        let offered = records.filter { !$0.isNotOffered }
        guard let want = expected(`protocol`, implicitTLS: implicitTLS) else {
            if offered.isEmpty {
                return DomainFinding(name, .ok, records.isEmpty ? "absent, and the catalog has no such server" : "says not offered, as the catalog has it")
            }
            return DomainFinding(name, .fix, "\(offered.map(describe).joined(separator: ", ")), but the catalog has no such server",
                                 zoneLine: "\(ZoneLine.absolute(name)) 3600 IN SRV 0 0 0 .")
        }
        let line = ZoneLine.srv(name, port: want.port, target: want.host)
        if records.isEmpty {
            return DomainFinding(name, .note, "absent: a client that reads SRV records (RFC 6186) will not find \(want.host):\(want.port) here", zoneLine: line)
        }
        if offered.isEmpty {
            return DomainFinding(name, .fix, "says not offered (target \".\"), but the catalog has \(want.host):\(want.port)", zoneLine: line)
        }
        if let first = offered.first, bare(first.target) == want.host, Int(first.port) == want.port {
            return DomainFinding(name, .ok, describe(first) + ", as the catalog has it")
        }
        return DomainFinding(name, .fix, "\(offered.map(describe).joined(separator: ", ")), the catalog has \(want.host):\(want.port)", zoneLine: line)
    }

    func mxRecord() async -> DomainFinding {
        do {
            let records = try await dns.mx(domain)
            guard !records.isEmpty else { return DomainFinding(domain, .fix, "no MX record: mail to \(domain) has nowhere to go (ask \(provider.id) for its MX host)") }
            return DomainFinding(domain, .ok, "MX " + records.map { "\($0.preference) \(bare($0.exchange))" }.joined(separator: ", "))
        } catch {
            return DomainFinding(domain, .fix, "no MX record (\(error.message)): mail to \(domain) has nowhere to go")
        }
    }

    // MARK: agreement

    /// Every source a client may use leads to the same servers: the catalog's.
    func agreement(_ findings: [DomainFinding]) -> DomainFinding {
        let sources = findings.filter { $0.name.hasPrefix("https://") || $0.name.hasPrefix("_submission") || $0.name.hasPrefix("_imap") || $0.name.hasPrefix("_pop3") }
        let servers = Self.services.compactMap { s in expected(s.protocol, implicitTLS: s.implicitTLS).map { "\(s.service) \($0.host):\($0.port)" } }
        // An https answer by its host: "autoconfig.example.org (https)".
        let disagreeing = sources.filter { $0.status == .fix }.map { f in
            f.name.hasPrefix("https://") ? "\(f.name.dropFirst("https://".count).prefix { $0 != "/" }) (https)" : f.name
        }
        if disagreeing.isEmpty {
            return DomainFinding("agreement", .ok, "every source found gives the catalog's servers: \(servers.joined(separator: ", "))")
        }
        return DomainFinding("agreement", .fix, "not every client gets the same set-up: \(disagreeing.joined(separator: ", ")) "
                             + (disagreeing.count == 1 ? "differs" : "differ") + " from the catalog (\(servers.joined(separator: ", ")))")
    }

    /// A DNS name as compared: lower-case, without the root's dot.
    private static func bare(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    private func bare(_ name: String) -> String { Self.bare(name) }

    private func describe(_ r: SRVRecord) -> String { "\(bare(r.target)):\(r.port)" }
}
