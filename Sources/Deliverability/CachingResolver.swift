import DNSClient

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
