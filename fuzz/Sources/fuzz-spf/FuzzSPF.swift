@testable import Deliverability
@testable import DNSClient
import FuzzSupport

/// A DNS table written by the input, one record a line: `name TYPE value`, TYPE one of
/// TXT, MX, A, AAAA, CNAME, or NX / FAIL for a name that does not exist or whose server
/// fails. The first line's name is the domain whose SPF record is evaluated, through
/// every include, redirect, a, mx and exists, with the cache the deliverability check
/// uses. The evaluation must end, stay within RFC 7208's lookup limit, and ask a bounded
/// number of questions whatever the records say.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let table = DNSTable(input.text())
    guard let domain = table.first else { return 0 }
    for records in table.records.values {
        for case (.txt, let text) in records { _ = SPFParser.parse(text) }
    }
    let (result, sent) = blocking {
        let cache = CachingResolver { name, type in table.answer(name, type) }
        let result = await SPFEvaluator(dns: cache).evaluate(domain)
        return (result, await cache.sent)
    }
    require(result.lookups <= SPFEvaluator.lookupLimit + 1, "\(result.lookups) lookups counted")
    // Each counted term asks at most once, an mx term 1 + 2 questions per MX host (10 at most).
    require(sent <= 1 + (SPFEvaluator.lookupLimit + 1) * 21, "\(sent) questions sent")
    require(result.errors.count <= 2 * (SPFEvaluator.lookupLimit + 1) + 4, "\(result.errors.count) errors")
    return 0
}

struct DNSTable: Sendable {
    enum Kind: String { case txt = "TXT", mx = "MX", a = "A", aaaa = "AAAA", cname = "CNAME", nx = "NX", fail = "FAIL" }
    var first: String?
    var records: [String: [(Kind, String)]] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n").prefix(256) {
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard words.count >= 2, let kind = Kind(rawValue: String(words[1]).uppercased()) else { continue }
            let name = words[0].lowercased()
            if first == nil { first = name }
            records[name, default: []].append((kind, words.count > 2 ? String(words[2]) : ""))
        }
    }

    func answer(_ name: String, _ type: DNSRecordType) -> Result<[String], DNSError> {
        let found = records[name.lowercased()] ?? []
        if found.contains(where: { $0.0 == .nx }) { return .failure(DNSError(.dnsNoSuchName, name: name, "no such name")) }
        if found.contains(where: { $0.0 == .fail }) { return .failure(DNSError(.dnsServerFailure, name: name, "server failure")) }
        let wanted: Kind = switch type {
        case .txt: .txt
        case .mx: .mx
        case .a: .a
        case .aaaa: .aaaa
        default: .cname
        }
        return .success(found.filter { $0.0 == wanted }.map(\.1))
    }
}

@_cdecl("fuzz_spf_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
