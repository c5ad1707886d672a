import DNSClient

/// One term of an SPF record (RFC 7208 section 4.6.1): a mechanism with its qualifier,
/// or a modifier. The parser reads the syntax only; SPFEvaluator follows the terms.
enum SPFTerm: Equatable {
    case mechanism(qualifier: Character, name: String, value: String?)
    case modifier(name: String, value: String)
}

struct SPFSyntaxError: Error, Equatable {
    var message: String
}

enum SPFParser {
    static let mechanisms: Set<String> = ["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"]

    /// The terms, or the first syntax error with its position (1-based term number).
    static func parse(_ record: String) -> Result<[SPFTerm], SPFSyntaxError> {
        let parts = record.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.first?.lowercased() == "v=spf1" else { return .failure(SPFSyntaxError(message: "the record does not start with v=spf1")) }
        var terms: [SPFTerm] = []
        for (i, raw) in parts.dropFirst().enumerated() {
            let at = "term \(i + 1) '\(raw)'"
            if let eq = raw.firstIndex(of: "="), !raw[..<eq].contains(":") {
                let name = raw[..<eq].lowercased()
                guard name.first?.isLetter == true, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    return .failure(SPFSyntaxError(message: "\(at): not a valid modifier name"))
                }
                terms.append(.modifier(name: name, value: String(raw[raw.index(after: eq)...])))
                continue
            }
            var body = Substring(raw)
            var qualifier: Character = "+"
            if let q = body.first, "+-~?".contains(q) {
                qualifier = q
                body = body.dropFirst()
            }
            let nameEnd = body.firstIndex { $0 == ":" || $0 == "/" } ?? body.endIndex
            let name = body[..<nameEnd].lowercased()
            guard mechanisms.contains(name) else { return .failure(SPFSyntaxError(message: "\(at): unknown mechanism '\(name)'")) }
            var value: String?
            if nameEnd < body.endIndex {
                value = body[nameEnd] == ":" ? String(body[body.index(after: nameEnd)...]) : String(body[nameEnd...])
            }
            switch name {
            case "include", "exists":
                guard let v = value, !v.isEmpty, !v.hasPrefix("/") else { return .failure(SPFSyntaxError(message: "\(at): \(name) needs a domain")) }
            case "ip4", "ip6":
                guard let v = value, !v.isEmpty else { return .failure(SPFSyntaxError(message: "\(at): \(name) needs an address")) }
                let address = v.split(separator: "/").first.map(String.init) ?? v
                guard DNSResolver.isIPAddress(address) && (name == "ip4") == !address.contains(":") else {
                    let family = name == "ip4" ? "IPv4" : "IPv6"
                    return .failure(SPFSyntaxError(message: "\(at): '\(v)' is not an \(family) address"))
                }
            case "all":
                guard value == nil else { return .failure(SPFSyntaxError(message: "\(at): all takes no value")) }
            default: break
            }
            terms.append(.mechanism(qualifier: qualifier, name: name, value: value))
        }
        return .success(terms)
    }
}
