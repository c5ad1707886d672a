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
        // Checked over the UTF-8 bytes: every character these rules name is ASCII (mail
        // works on octets), and this runs for every autoconfig request with an address.
        let bytes = text.utf8
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { throw refuse("it has no @") }
        let localBytes = bytes[..<at], domainBytes = bytes[bytes.index(after: at)...]
        guard !localBytes.isEmpty else { throw refuse("the part before @ is empty") }
        guard !domainBytes.isEmpty else { throw refuse("the part after @ is empty") }
        guard localBytes.count <= 64 else { throw refuse("the part before @ is longer than 64 octets") }
        let quote = UInt8(ascii: "\""), space = UInt8(ascii: " "), dot = UInt8(ascii: ".")
        let isQuoted = localBytes.count >= 2 && localBytes.first == quote && localBytes.last == quote
        guard !domainBytes.contains(space), isQuoted || !localBytes.contains(space) else { throw refuse("it contains a space") }
        if !isQuoted {
            guard !localBytes.contains(UInt8(ascii: "@")) else { throw refuse("it has more than one @") }
            if let bad = localBytes.first(where: { Self.forbiddenInLocalPart.contains($0) }) {
                throw refuse("the part before @ contains '\(Character(Unicode.Scalar(bad)))'")
            }
            let doubled = zip(localBytes, localBytes.dropFirst()).contains { $0 == dot && $1 == dot }
            guard localBytes.first != dot, localBytes.last != dot, !doubled else {
                throw refuse("the part before @ has a misplaced dot")
            }
        }
        let local = String(text[..<at])
        let domainPart = String(text[text.utf8.index(after: at)...])
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

    /// What an unquoted local part may not hold: `()<>[]:;\,"`.
    private static let forbiddenInLocalPart: [UInt8] = Array("()<>[]:;\\,\"".utf8)

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
