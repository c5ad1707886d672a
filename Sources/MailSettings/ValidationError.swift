import Failures

/// A value that was refused when it entered the model.
///
/// Every refusal names the field, the value as given and what would have been
/// accepted, so a person can fix the input without reading the source.
public struct ValidationError: MailconfError, Equatable {
    /// The field that was being set, such as `hostname` or `port`.
    public var field: String
    /// The refused value, as given (control characters made visible).
    public var value: String
    /// What is wrong with it.
    public var reason: String
    /// What would be accepted instead.
    public var expected: String

    public init(field: String, value: String, reason: String, expected: String) {
        self.field = field
        self.value = value
        self.reason = reason
        self.expected = expected
    }

    /// A stable machine-readable kind, such as `invalid-hostname`.
    public var kind: FailureKind { FailureKind("invalid-" + field.split(separator: " ").joined(separator: "-")) }

    public var description: String {
        "\(field) \(Self.quote(value)): \(reason); expected \(expected)"
    }

    /// Quotes a value for an error message, showing control characters as escapes
    /// and cutting very long values, so the message itself stays one clean line.
    public static func quote(_ value: String) -> String {
        var out = "'"
        var count = 0
        for scalar in value.unicodeScalars {
            count += 1
            if count > 80 { out += "…"; break }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "'"
    }
}

extension StringProtocol {
    /// True when the text holds a control character (C0, DEL or C1).
    var containsControlCharacter: Bool {
        unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}
