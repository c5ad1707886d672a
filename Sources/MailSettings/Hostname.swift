#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A host name as mail settings use it: a DNS name (letters, digits, hyphens and dots;
/// internationalised names in their IDNA A-label form `xn--…`), an IPv4 or IPv6
/// literal, or a template such as `mail.%EMAILDOMAIN%` that is completed from the
/// user's address. Stored lowercased, without a trailing dot.
public struct Hostname: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let name: String

    public init(_ text: String) throws(ValidationError) {
        func refuse(_ reason: String) -> ValidationError {
            ValidationError(
                field: "hostname", value: text, reason: reason,
                expected: "a DNS name of letters, digits, hyphens and dots such as smtp.example.com "
                    + "(IDNA A-labels, xn--…, for non-ASCII names), an IP address, "
                    + "or a template such as mail.%EMAILDOMAIN%")
        }
        if let plain = Self.plainDNSName(text) {
            name = plain
            return
        }
        guard !text.isEmpty else { throw refuse("it is empty") }
        guard !text.containsControlCharacter else { throw refuse("it contains a control character") }
        guard !text.contains(where: \.isWhitespace) else { throw refuse("it contains a space") }
        guard text.allSatisfy(\.isASCII) else {
            throw refuse("it contains non-ASCII characters; write the IDNA A-label form (xn--…)")
        }
        if text.contains(":") {
            var inner = Substring(text)
            if inner.hasPrefix("["), inner.hasSuffix("]") { inner = inner.dropFirst().dropLast() }
            guard Self.isIPv6(inner) else { throw refuse("it is not a valid IPv6 address") }
            name = inner.lowercased()
            return
        }
        var body = Substring(text)
        if body.hasSuffix(".") { body = body.dropLast() }
        guard body.utf8.count <= 253 else { throw refuse("it is longer than 253 characters") }
        let labels = body.split(separator: ".", omittingEmptySubsequences: false)
        var canonicalLabels: [String] = []
        for label in labels {
            guard !label.isEmpty else { throw refuse("it has an empty label (two dots in a row, or a leading dot)") }
            guard label.utf8.count <= 63 else { throw refuse("the label '\(label)' is longer than 63 characters") }
            let scanned = TemplateScanner.scan(String(label))
            if let problem = scanned.problems.first { throw refuse(problem.reason) }
            var canonical = ""
            for part in scanned.parts {
                switch part {
                case .placeholder(let placeholder):
                    canonical += placeholder.token
                case .literal(let literal):
                    if let bad = literal.first(where: { !($0.isLetter || $0.isNumber || $0 == "-") }) {
                        throw refuse("it contains '\(bad)'")
                    }
                    canonical += literal.lowercased()
                }
            }
            if scanned.parts.count == 1, case .literal = scanned.parts[0],
               label.hasPrefix("-") || label.hasSuffix("-") {
                throw refuse("the label '\(label)' starts or ends with a hyphen")
            }
            canonicalLabels.append(canonical)
        }
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            guard Self.isIPv4(body) else { throw refuse("it looks like an IPv4 address but is not one") }
        }
        name = canonicalLabels.joined(separator: ".")
    }

    /// The common case in one pass over the bytes: an ordinary DNS name. Returns nil for
    /// anything else (templates, IP literals, mistakes), which the full check then
    /// explains.
    static func plainDNSName(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= 253 else { return nil }
        var labelLength = 0
        var labelNumeric = true
        var allNumeric = true
        var previous: UInt8 = UInt8(ascii: ".")
        for i in bytes.indices {
            var b = bytes[i]
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                b += 32
                bytes[i] = b
                labelNumeric = false
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                labelNumeric = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                break
            case UInt8(ascii: "-"):
                guard previous != UInt8(ascii: ".") else { return nil }
                labelNumeric = false
            case UInt8(ascii: "."):
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return nil }
                allNumeric = allNumeric && labelNumeric
                labelLength = 0
                labelNumeric = true
                previous = b
                continue
            default:
                return nil
            }
            labelLength += 1
            guard labelLength <= 63 else { return nil }
            previous = b
        }
        guard labelLength > 0, previous != UInt8(ascii: "-"), !(allNumeric && labelNumeric) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An IPv6 literal, as the C library reads one (inet_pton), without brackets.
    static func isIPv6(_ text: Substring) -> Bool { parses(text, family: AF_INET6) }

    /// A dotted-quad IPv4 literal, as the C library reads one (inet_pton: four decimal
    /// numbers of at most 255, no leading zeros).
    static func isIPv4(_ text: Substring) -> Bool { parses(text, family: AF_INET) }

    private static func parses(_ text: Substring, family: Int32) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45 else { return false }
        var address = in6_addr()  // large enough for either family
        return String(text).withCString { inet_pton(family, $0, &address) } == 1
    }

    /// True when the name holds a placeholder such as `%EMAILDOMAIN%`.
    public var isTemplate: Bool { name.utf8.contains(UInt8(ascii: "%")) }

    /// True for an IPv4 or IPv6 literal.
    public var isIPAddress: Bool {
        let text = Substring(name)
        return Self.isIPv4(text) || Self.isIPv6(text)
    }

    /// The host name for one address: placeholders replaced.
    public func expanded(for address: EmailAddress) throws(ValidationError) -> Hostname {
        guard isTemplate else { return self }
        let parts = TemplateScanner.scan(name).parts
        let text = parts.map { part -> String in
            switch part {
            case .literal(let s): return s
            case .placeholder(let p): return p.value(for: address)
            }
        }.joined()
        return try Hostname(text)
    }

    /// Does this DNS name equal `domain` or lie below it?
    public func isWithin(_ domain: String) -> Bool {
        let d = domain.lowercased()
        return name == d || name.hasSuffix("." + d)
    }

    public var description: String { name }

    public static func < (lhs: Hostname, rhs: Hostname) -> Bool { lhs.name < rhs.name }

    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
