/// A TCP port, 1–65535.
public struct Port: Hashable, Sendable, Codable, CustomStringConvertible, Comparable, ExpressibleByIntegerLiteral {
    public let value: UInt16

    public init(_ number: Int) throws(ValidationError) {
        guard (1...65535).contains(number) else {
            throw ValidationError(field: "port", value: String(number),
                                  reason: "it is outside 1–65535",
                                  expected: "a whole number from 1 to 65535, such as 465 or 587")
        }
        value = UInt16(number)
    }

    /// Parses a port written as text: digits only, no sign, no spaces.
    public init(parsing text: String) throws(ValidationError) {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) else {
            throw ValidationError(field: "port", value: text, reason: "it is not a whole number",
                                  expected: "a whole number from 1 to 65535, such as 465 or 587")
        }
        try self.init(number)
    }

    /// For literals in code; traps on an out-of-range literal.
    public init(integerLiteral value: UInt16) {
        precondition(value != 0, "port 0 is not a valid port")
        self.value = value
    }

    public var description: String { String(value) }

    public static func < (lhs: Port, rhs: Port) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Int(value))
    }
}
