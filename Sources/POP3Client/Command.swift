import Failures
import SASL

/// A POP3 command. Every argument is checked before it is encoded: a CR, LF or NUL
/// (which would let a value smuggle in a second command) is refused.
public enum POP3Command: Sendable {
    case capa
    case stls
    case user(String)
    /// The password; only ``encoded()`` reads it, the transcript never shows it.
    case pass(Secret)
    /// AUTH with the mechanism and, optionally, the base64 initial response (RFC 5034).
    case auth(mechanism: String, initialResponse: String?)
    /// One base64 answer to a SASL challenge.
    case authResponse(String)
    /// `*`: ends a SASL exchange the client cannot go on with.
    case authCancel
    case noop
    case quit

    public typealias EncodingError = CommandTextError

    /// RFC 2449 §4: a command line is at most 255 octets, CRLF included. SASL answers
    /// (RFC 5034) are not bound by it; they are bounded here as SMTP's are.
    static let maxCommandLength = 255
    static let maxAuthLineLength = 12_288

    /// The bytes to send, CRLF included.
    public func encoded() throws(EncodingError) -> [UInt8] {
        let line: String
        switch self {
        case .capa: line = "CAPA"
        case .stls: line = "STLS"
        case .user(let name): line = "USER \(try Self.checked(name))"
        case .pass(let secret): line = "PASS \(try Self.checked(secret.protocolText, shown: "password"))"
        case .auth(let mechanism, let initial):
            var text = "AUTH \(try Self.checked(mechanism))"
            if let initial { text += " " + (try Self.checked(initial.isEmpty ? "=" : initial, shown: "initial response")) }
            line = text
        case .authResponse(let response): line = try Self.checked(response, shown: "SASL response")
        case .authCancel: line = "*"
        case .noop: line = "NOOP"
        case .quit: line = "QUIT"
        }
        let limit = self.isAuthResponse ? Self.maxAuthLineLength : Self.maxCommandLength
        let bytes = Array(line.utf8) + [0x0D, 0x0A]
        guard bytes.count <= limit else { throw .tooLong(limit: limit) }
        return bytes
    }

    var isAuthResponse: Bool {
        if case .authResponse = self { return true }
        return false
    }

    /// The command as a transcript shows it: credentials replaced by `<redacted>`.
    public var redacted: String {
        switch self {
        case .capa: return "CAPA"
        case .stls: return "STLS"
        case .user(let name): return "USER \(name)"
        case .pass: return "PASS <redacted>"
        case .auth(let mechanism, let initial): return "AUTH \(mechanism)" + (initial == nil ? "" : " <redacted>")
        case .authResponse: return "<redacted>"
        case .authCancel: return "*"
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        }
    }

    /// `value` when it holds no CR, LF or NUL; `shown` names a value that must not be printed.
    static func checked(_ value: String, shown: String? = nil) throws(EncodingError) -> String {
        guard let shown else { return try CommandText.checked(value) }
        try CommandText.check(value, field: shown)
        return value
    }
}
