/// The username a server expects, as a template: `%EMAILADDRESS%`, `%EMAILLOCALPART%`,
/// `%EMAILDOMAIN%`, a literal the provider fixes (SendGrid's `apikey`), or a mix
/// (`%EMAILLOCALPART%.mail`).
public struct UsernameTemplate: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The template as written.
    public let text: String
    public let parts: [TemplatePart]

    /// Strict: unknown or unclosed placeholders are refused.
    public init(_ text: String) throws(ValidationError) {
        try Self.checkBasics(text)
        let scanned = TemplateScanner.scan(text)
        if let problem = scanned.problems.first {
            throw ValidationError(field: "username", value: text, reason: problem.reason,
                                  expected: "a literal username or the placeholders \(Placeholder.acceptedList)")
        }
        self.text = text
        self.parts = scanned.parts
    }

    /// Lenient, for real-world files: a broken placeholder stays literal text, as
    /// Thunderbird leaves it; the problems are returned so they can be reported.
    public static func lenient(_ text: String) throws(ValidationError) -> (UsernameTemplate, [String]) {
        try checkBasics(text)
        let scanned = TemplateScanner.scan(text)
        return (UsernameTemplate(text: text, parts: scanned.parts), scanned.problems.map(\.reason))
    }

    private init(text: String, parts: [TemplatePart]) {
        self.text = text
        self.parts = parts
    }

    private static func checkBasics(_ text: String) throws(ValidationError) {
        let expected = "a literal username or the placeholders \(Placeholder.acceptedList)"
        guard !text.isEmpty else {
            throw ValidationError(field: "username", value: text, reason: "it is empty", expected: expected)
        }
        guard text.utf8.count <= 512 else {
            throw ValidationError(field: "username", value: text, reason: "it is longer than 512 octets", expected: expected)
        }
        guard !text.containsControlCharacter else {
            throw ValidationError(field: "username", value: text, reason: "it contains a control character", expected: expected)
        }
    }

    /// The placeholders used, in order.
    public var placeholders: [Placeholder] {
        parts.compactMap { if case .placeholder(let p) = $0 { return p } else { return nil } }
    }

    /// What is wrong with the placeholders as written (unknown names, unclosed tokens);
    /// empty for a clean template. Only a leniently read template can have any.
    public var problems: [String] { TemplateScanner.scan(text).problems.map(\.reason) }

    /// True when no placeholder is used (a fixed username such as `apikey`).
    public var isLiteral: Bool { placeholders.isEmpty }

    /// The username for one address.
    public func expanded(for address: EmailAddress, realName: String? = nil) -> String {
        parts.map { part in
            switch part {
            case .literal(let s): return s
            case .placeholder(let p): return p.value(for: address, realName: realName)
            }
        }.joined()
    }

    public var description: String { text }

    public static let emailAddress = try! UsernameTemplate("%EMAILADDRESS%")
    public static let localPart = try! UsernameTemplate("%EMAILLOCALPART%")

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        (self, _) = try Self.lenient(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
