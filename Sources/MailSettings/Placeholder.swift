/// The placeholders of Thunderbird's clientConfig format, replaced from the user's
/// e-mail address (and name) when a setting is applied.
public enum Placeholder: String, CaseIterable, Sendable, Codable {
    case emailAddress = "EMAILADDRESS"
    case emailLocalPart = "EMAILLOCALPART"
    case emailDomain = "EMAILDOMAIN"
    case realName = "REALNAME"

    /// The token as written in a template, such as `%EMAILADDRESS%`.
    public var token: String { "%\(rawValue)%" }

    /// The value this placeholder takes for an address.
    public func value(for address: EmailAddress, realName: String? = nil) -> String {
        switch self {
        case .emailAddress: return address.description
        case .emailLocalPart: return address.localPart
        case .emailDomain: return address.domain
        case .realName: return realName ?? ""
        }
    }

    static var acceptedList: String {
        allCases.map(\.token).joined(separator: ", ")
    }
}

/// A piece of a template: literal text or a placeholder.
public enum TemplatePart: Equatable, Hashable, Sendable {
    case literal(String)
    case placeholder(Placeholder)
}

/// Splits a template into literal text and placeholders.
///
/// `%NAME%` with a known NAME is a placeholder. A `%` that does not start a known
/// token is an error in strict mode; in lenient mode (used for real-world imports)
/// it stays literal text, exactly as Thunderbird leaves it, and is reported back.
enum TemplateScanner {
    struct Problem: Equatable {
        var reason: String
    }

    static func scan(_ text: String) -> (parts: [TemplatePart], problems: [Problem]) {
        var parts: [TemplatePart] = []
        var problems: [Problem] = []
        var literal = ""
        var rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            literal += rest[..<percent]
            let afterPercent = rest.index(after: percent)
            if let close = rest[afterPercent...].firstIndex(of: "%") {
                let name = rest[afterPercent..<close]
                if let known = Placeholder(rawValue: String(name)) {
                    if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                    parts.append(.placeholder(known))
                    rest = rest[rest.index(after: close)...]
                    continue
                }
                if !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) {
                    problems.append(Problem(reason: "unknown placeholder %\(name)%"))
                    literal += rest[percent...close]
                    rest = rest[rest.index(after: close)...]
                    continue
                }
            }
            let name = rest[afterPercent...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            if !name.isEmpty {
                problems.append(Problem(reason: "placeholder %\(name) is not closed with %"))
            } else {
                problems.append(Problem(reason: "a lone % that starts no placeholder"))
            }
            literal += "%"
            rest = rest[afterPercent...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return (parts, problems)
    }
}
