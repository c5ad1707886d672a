import Failures

/// An SMTP command. Every argument is checked before it is encoded: a CR, LF or NUL
/// (which would let a value smuggle in a second command) is refused.
public enum SMTPCommand: Sendable, Equatable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// AUTH with the mechanism and, optionally, the base64 initial response.
    case auth(mechanism: String, initialResponse: String?)
    /// One base64 answer to an AUTH challenge.
    case authResponse(String)
    case mailFrom(String)
    case rcptTo(String)
    case data
    case rset
    case noop
    case quit

    public typealias EncodingError = CommandTextError

    /// RFC 5321 §4.5.3.1.4: a command line is at most 512 octets; AUTH responses may be longer (RFC 4954 §4).
    static let maxCommandLength = 512
    static let maxAuthLineLength = 12_288

    /// The bytes to send, CRLF included.
    public func encoded() throws(EncodingError) -> [UInt8] {
        let line: String
        switch self {
        case .ehlo(let host): line = "EHLO \(try Self.checked(host))"
        case .helo(let host): line = "HELO \(try Self.checked(host))"
        case .startTLS: line = "STARTTLS"
        case .auth(let mechanism, let initial):
            var text = "AUTH \(try Self.checked(mechanism))"
            if let initial { text += " " + (try Self.checked(initial.isEmpty ? "=" : initial)) }
            line = text
        case .authResponse(let response): line = try Self.checked(response)
        case .mailFrom(let address): line = "MAIL FROM:<\(try Self.checked(address))>"
        case .rcptTo(let address): line = "RCPT TO:<\(try Self.checked(address))>"
        case .data: line = "DATA"
        case .rset: line = "RSET"
        case .noop: line = "NOOP"
        case .quit: line = "QUIT"
        }
        let limit = isAuthentication ? Self.maxAuthLineLength : Self.maxCommandLength
        let bytes = Array(line.utf8) + [0x0D, 0x0A]
        guard bytes.count <= limit else { throw .tooLong(limit: limit) }
        return bytes
    }

    var isAuthentication: Bool {
        switch self {
        case .auth, .authResponse: return true
        default: return false
        }
    }

    /// The command as a transcript shows it: credentials replaced by `<redacted>`.
    public var redacted: String {
        switch self {
        case .auth(let mechanism, let initial): return "AUTH \(mechanism)" + (initial == nil ? "" : " <redacted>")
        case .authResponse: return "<redacted>"
        case .ehlo(let h): return "EHLO \(h)"
        case .helo(let h): return "HELO \(h)"
        case .startTLS: return "STARTTLS"
        case .mailFrom(let a): return "MAIL FROM:<\(a)>"
        case .rcptTo(let a): return "RCPT TO:<\(a)>"
        case .data: return "DATA"
        case .rset: return "RSET"
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        }
    }

    static func checked(_ value: String) throws(EncodingError) -> String { try CommandText.checked(value) }
}

/// The message body of DATA: line ends made CRLF, lines starting with a dot doubled
/// (RFC 5321 §4.5.2), and the terminating `.` line appended.
public enum DataEncoder {
    public static func encode(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 50 + 5)
        var atLineStart = true
        var i = 0
        while i < message.count {
            let b = message[i]
            if atLineStart && b == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            switch b {
            case 0x0D:
                out += [0x0D, 0x0A]
                if i + 1 < message.count, message[i + 1] == 0x0A { i += 1 }
                atLineStart = true
            case 0x0A:
                out += [0x0D, 0x0A]
                atLineStart = true
            default:
                out.append(b)
                atLineStart = false
            }
            i += 1
        }
        if !atLineStart || out.isEmpty { out += [0x0D, 0x0A] }
        out += Array(".\r\n".utf8)
        return out
    }
}
