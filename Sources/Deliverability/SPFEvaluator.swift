import DNSClient

/// SPF (RFC 7208): the domain's record parsed and evaluated as far as it can be without a
/// sender's IP address: every include, redirect, a, mx and exists followed, with the DNS
/// lookup limit of 10 (section 4.6.4) and the void lookup limit of 2 counted exactly.
public struct SPFResult: Sendable, Codable, Equatable {
    public var record: String?
    /// Terms that cause DNS lookups, counted over the whole tree.
    public var lookups: Int
    /// Lookups that found nothing (NXDOMAIN or no records).
    public var voidLookups: Int
    /// Domains reached through include and redirect.
    public var includes: [String]
    /// permerror reasons, with where they were found; empty when the record evaluates.
    public var errors: [String]
    /// The top record's `all` qualifier, if any: +, -, ~ or ?.
    public var all: String?
}

struct SPFEvaluator {
    let dns: CachingResolver
    static let lookupLimit = 10
    static let voidLimit = 2

    final class State: @unchecked Sendable {
        var lookups = 0
        var voids = 0
        var includes: [String] = []
        var errors: [String] = []
        var visiting: Set<String> = []
    }

    /// The SPF records at a name: `v=spf1` TXT strings only.
    func records(_ domain: String) async -> Result<[String], DNSError> {
        switch await dns.records(domain, .txt) {
        case .success(let txt): return .success(txt.filter { $0.lowercased() == "v=spf1" || $0.lowercased().hasPrefix("v=spf1 ") })
        case .failure(let e): return .failure(e)
        }
    }

    func evaluate(_ domain: String) async -> SPFResult {
        let state = State()
        var result = SPFResult(record: nil, lookups: 0, voidLookups: 0, includes: [], errors: [], all: nil)
        switch await records(domain) {
        case .failure(let e):
            result.errors = ["\(domain): \(e.message)"]
            return result
        case .success(let found):
            guard found.count == 1 else {
                result.errors = found.isEmpty ? [] : ["\(domain) has \(found.count) SPF records; exactly one is allowed (RFC 7208 section 4.5): permerror"]
                result.record = found.first
                return result
            }
            result.record = found[0]
            if case .success(let terms) = SPFParser.parse(found[0]) {
                for case .mechanism(let q, "all", _) in terms { result.all = String(q) }
            }
            await walk(domain, record: found[0], state: state)
        }
        result.lookups = state.lookups
        result.voidLookups = state.voids
        result.includes = state.includes
        result.errors = state.errors
        return result
    }

    /// Counts one DNS-querying term and notes the limits (RFC 7208 section 4.6.4).
    func count(_ state: State, _ what: String) -> Bool {
        state.lookups += 1
        if state.lookups > Self.lookupLimit {
            if !state.errors.contains(where: { $0.hasPrefix("more than 10") }) {
                state.errors.append("more than 10 DNS lookups (the 11th is \(what)): permerror (RFC 7208 section 4.6.4)")
            }
            return false
        }
        return true
    }

    func void(_ state: State, _ name: String) {
        state.voids += 1
        if state.voids == Self.voidLimit + 1 {
            state.errors.append("more than 2 void lookups (the 3rd is \(name)): permerror (RFC 7208 section 4.6.4)")
        }
    }

    func walk(_ domain: String, record: String, state: State) async {
        guard state.errors.isEmpty else { return }
        guard !state.visiting.contains(domain) else {
            state.errors.append("\(domain) includes itself (a loop): permerror")
            return
        }
        state.visiting.insert(domain)
        defer { state.visiting.remove(domain) }
        let terms: [SPFTerm]
        switch SPFParser.parse(record) {
        case .failure(let why):
            state.errors.append("\(domain): \(why.message): permerror (RFC 7208 section 4.6)")
            return
        case .success(let t): terms = t
        }
        var redirect: String?
        var hasAll = false
        for term in terms {
            guard state.errors.isEmpty else { return }
            switch term {
            case .modifier("redirect", let target): redirect = target
            case .modifier: continue
            case .mechanism(_, "all", _): hasAll = true
            case .mechanism(_, "include", let value):
                guard await include(value!, in: domain, state: state) else { return }
            case .mechanism(_, let name, let value) where ["a", "mx", "exists", "ptr"].contains(name):
                guard await lookUp(name, value, in: domain, state: state) else { return }
            case .mechanism: continue
            }
        }
        if let redirect, !hasAll {
            guard count(state, "redirect=\(redirect)") else { return }
            state.includes.append(redirect)
            switch await records(redirect) {
            case .success(let found) where found.count == 1: await walk(redirect, record: found[0], state: state)
            default:
                state.errors.append("redirect=\(redirect) has no single SPF record: permerror (RFC 7208 section 6.1)")
                void(state, redirect)
            }
        }
    }

    /// `include:TARGET`: counted, then walked; false when the walk must stop (a
    /// permerror, or the lookup limit).
    private func include(_ target: String, in domain: String, state: State) async -> Bool {
        guard count(state, "include:\(target)") else { return false }
        if target.contains("%") { return true }   // a macro needs the sender's IP
        state.includes.append(target)
        switch await records(target) {
        case .failure, .success([]):
            state.errors.append("include:\(target) in \(domain)'s record has no SPF record: permerror (RFC 7208 section 5.2)")
            void(state, target)
            return false
        case .success(let found) where found.count > 1:
            state.errors.append("include:\(target) has \(found.count) SPF records: permerror (RFC 7208 section 4.5)")
            return false
        case .success(let found):
            await walk(target, record: found[0], state: state)
            return true
        }
    }

    /// `a`, `mx`, `exists`, `ptr`: counted, and their names looked up for void lookups;
    /// false when the lookup limit stops the walk.
    private func lookUp(_ name: String, _ value: String?, in domain: String, state: State) async -> Bool {
        let target = value.flatMap { $0.hasPrefix("/") ? nil : String($0.split(separator: "/").first ?? "") } ?? domain
        guard count(state, "\(name):\(target)") else { return false }
        if target.contains("%") || name == "ptr" { return true }
        guard name == "mx" else {
            let v4 = (try? await dns.records(target, .a).get()) ?? []
            let v6 = name == "exists" ? [] : ((try? await dns.records(target, .aaaa).get()) ?? [])
            if v4.isEmpty && v6.isEmpty { void(state, target) }
            return true
        }
        let mx = (try? await dns.records(target, .mx).get()) ?? []
        if mx.isEmpty {
            void(state, target)
            return true
        }
        if mx.count > 10 { state.errors.append("mx:\(target) has more than 10 MX records: permerror (RFC 7208 section 4.6.4)") }
        for line in mx.prefix(10) {
            let host = String(line.split(separator: " ").last ?? "")
            let v4 = (try? await dns.records(host, .a).get()) ?? []
            let v6 = (try? await dns.records(host, .aaaa).get()) ?? []
            if v4.isEmpty && v6.isEmpty { void(state, host) }
        }
        return true
    }
}
