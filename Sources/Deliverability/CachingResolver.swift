import DNSClient

/// Answers asked once per name and type, shared by every check, with a count of the
/// queries really sent. The answers come from a resolver, or, for the SPF fuzzer, from
/// a table in memory (`init(lookup:)`): what the cache and the rules do is the same.
actor CachingResolver {
    /// Records of one type as text (see `records`).
    typealias Lookup = @Sendable (String, DNSRecordType) async -> Result<[String], DNSError>

    private let lookup: Lookup
    private var cache: [String: Task<Result<[String], DNSError>, Never>] = [:]
    private(set) var sent = 0

    init(_ dns: DNSResolver) {
        self.init { name, type in
            do throws(DNSError) {
                switch type {
                case .txt: return .success(try await dns.txt(name))
                case .mx: return .success(try await dns.mx(name).map { "\($0.preference) \($0.exchange)" })
                case .cname: return .success(try await dns.cname(name).map { [$0] } ?? [])
                default: return .success(try await dns.addresses(name, type: type))
                }
            } catch { return .failure(error) }
        }
    }

    init(lookup: @escaping Lookup) { self.lookup = lookup }

    /// Records of one type as text (TXT strings, MX "pref host", A/AAAA addresses,
    /// a CNAME target). NXDOMAIN is an error; no records is an empty list.
    func records(_ name: String, _ type: DNSRecordType) async -> Result<[String], DNSError> {
        let key = "\(type) \(name.lowercased())"
        if let hit = cache[key] { return await hit.value }
        sent += 1
        let lookup = self.lookup
        let task = Task<Result<[String], DNSError>, Never> { await lookup(name, type) }
        cache[key] = task
        return await task.value
    }
}
