import DNSClient

/// One finding: pass, warn or fail, why, and the record that would fix it.
public struct Check: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case pass, warn, fail }
    /// Stable id: `spf-present`, `spf-include`, `dkim-s1`, `dmarc-policy`, …
    public var id: String
    public var status: Status
    public var message: String
    /// The DNS record to add or change, ready to paste (`NAME TYPE VALUE`).
    public var record: String?
    /// The rule the check follows (an RFC section or a mailbox provider's page).
    public var reference: String?

    public init(_ id: String, _ status: Status, _ message: String, record: String? = nil, reference: String? = nil) {
        self.id = id
        self.status = status
        self.message = message
        self.record = record
        self.reference = reference
    }
}

public struct DeliverabilityReport: Sendable, Codable {
    public var domain: String
    public var provider: String?
    public var checks: [Check]
    /// DNS queries sent (answers are cached, so a name is asked once).
    public var queries: Int
    public var seconds: Double
    public var spf: SPFResult?
    public var dmarc: DMARCRecord?

    public var worst: Check.Status {
        checks.contains { $0.status == .fail } ? .fail : checks.contains { $0.status == .warn } ? .warn : .pass
    }
}

/// Answers asked once per name and type, shared by every check, with a count of the
/// queries really sent.
actor CachingResolver {
    let dns: DNSResolver
    private var cache: [String: Task<Result<[String], DNSError>, Never>] = [:]
    private(set) var sent = 0

    init(_ dns: DNSResolver) { self.dns = dns }

    /// Records of one type as text (TXT strings, MX "pref host", A/AAAA addresses,
    /// a CNAME target). NXDOMAIN is an error; no records is an empty list.
    func records(_ name: String, _ type: DNSRecordType) async -> Result<[String], DNSError> {
        let key = "\(type) \(name.lowercased())"
        if let hit = cache[key] { return await hit.value }
        sent += 1
        let dns = self.dns
        let task = Task<Result<[String], DNSError>, Never> {
            do throws(DNSError) {
                switch type {
                case .txt: return .success(try await dns.txt(name))
                case .mx: return .success(try await dns.mx(name).map { "\($0.preference) \($0.exchange)" })
                case .cname: return .success(try await dns.cname(name).map { [$0] } ?? [])
                default: return .success(try await dns.addresses(name, type: type))
                }
            } catch { return .failure(error) }
        }
        cache[key] = task
        return await task.value
    }
}
