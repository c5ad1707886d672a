import DNSClient
import MailSettings

/// RFC 6186 and RFC 8314 service records; "." says a service is not offered.
struct SRVSource: DiscoverySource {
    /// Each record name and what a server found there speaks: implicit TLS (RFC 8314)
    /// before STARTTLS, for submission, IMAP and POP3.
    static let services: [(name: String, proto: ServerProtocol, security: ConnectionSecurity)] = [
        ("_submissions._tcp", .smtp, .tls), ("_submission._tcp", .smtp, .starttls),
        ("_imaps._tcp", .imap, .tls), ("_imap._tcp", .imap, .starttls),
        ("_pop3s._tcp", .pop3, .tls), ("_pop3._tcp", .pop3, .starttls),
    ]

    func answers(for address: EmailAddress, in context: DiscoveryContext) async -> [SourceAnswer] {
        let domain = address.domain
        return [await context.timed(.srv, asked: "_submission(s)._tcp / _imap(s)._tcp / _pop3(s)._tcp.\(domain)") {
            try await Self.settings(for: domain, dns: context.options.dns)
        }]
    }

    /// All six asked at once; the answers kept in the order of `services`.
    static func settings(for domain: String, dns: DNSResolver) async throws -> [ServerSetting] {
        let answers = await withTaskGroup(of: (Int, [SRVRecord]).self) { group in
            for (i, s) in services.enumerated() {
                group.addTask { (i, (try? await dns.srv("\(s.name).\(domain)")) ?? []) }
            }
            var all: [(Int, [SRVRecord])] = []
            for await a in group { all.append(a) }
            return all.sorted { $0.0 < $1.0 }
        }
        var out: [ServerSetting] = []
        for (i, records) in answers {
            let service = services[i]
            for r in records where !r.isNotOffered {
                guard let host = try? Hostname(r.target), let port = try? Port(Int(r.port)) else { continue }
                out.append(try ServerSetting(protocol: service.proto, hostname: host, port: port, security: service.security,
                                             authentication: [.passwordCleartext], username: .emailAddress))
            }
        }
        return out
    }
}
