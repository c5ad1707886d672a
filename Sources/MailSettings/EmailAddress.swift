/// An e-mail address, checked for the syntax mail clients and servers accept:
/// one `@`, a local part of at most 64 octets without spaces or control characters,
/// and a domain that is a valid host name.
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let localPart: String
    /// The domain, lowercased.
    public let domain: String

    public init(_ text: String) throws(ValidationError) {
        func refuse(_ reason: String) -> ValidationError {
            ValidationError(field: "e-mail address", value: text, reason: reason,
                            expected: "an address such as alice@example.org")
        }
        guard !text.isEmpty else { throw refuse("it is empty") }
        guard text.utf8.count <= 254 else { throw refuse("it is longer than 254 octets") }
        guard !text.containsControlCharacter else { throw refuse("it contains a control character") }
        guard let at = text.lastIndex(of: "@") else { throw refuse("it has no @") }
        let local = String(text[..<at])
        let domainPart = String(text[text.index(after: at)...])
        guard !local.isEmpty else { throw refuse("the part before @ is empty") }
        guard !domainPart.isEmpty else { throw refuse("the part after @ is empty") }
        guard local.utf8.count <= 64 else { throw refuse("the part before @ is longer than 64 octets") }
        let isQuoted = local.count >= 2 && local.hasPrefix("\"") && local.hasSuffix("\"")
        guard !domainPart.contains(" "), isQuoted || !local.contains(" ") else { throw refuse("it contains a space") }
        if !isQuoted {
            guard !local.contains("@") else { throw refuse("it has more than one @") }
            let forbidden = Set("()<>[]:;\\,\"")
            if let bad = local.first(where: { forbidden.contains($0) }) {
                throw refuse("the part before @ contains '\(bad)'")
            }
            guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
                throw refuse("the part before @ has a misplaced dot")
            }
        }
        let host: Hostname
        do {
            host = try Hostname(domainPart)
        } catch {
            throw refuse("the domain \(ValidationError.quote(domainPart)) is not valid (\(error.reason))")
        }
        guard !host.isTemplate, !host.isIPAddress else {
            throw refuse("the domain must be a DNS name")
        }
        self.localPart = local
        self.domain = host.name
    }

    public var description: String { "\(localPart)@\(domain)" }

    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        lhs.description < rhs.description
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
