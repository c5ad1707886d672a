import Failures

/// One IMAP command as it goes on the wire: a tag, a name, arguments. Strings are sent
/// quoted, or as literals when they need it (8-bit text); a CR, LF or NUL in any value
/// is refused before anything is sent.
public struct IMAPCommand: Sendable, Equatable {
    public enum Argument: Sendable, Equatable {
        /// Sent as it is (mechanism names, base64).
        case atom(String)
        /// Sent quoted, or as a literal when it must be.
        case string(String)
    }

    public typealias EncodingError = CommandTextError

    public var tag: String
    public var name: String
    public var arguments: [Argument]
    /// Arguments the transcript must never show (LOGIN's, AUTHENTICATE's initial response).
    public var redactArguments: Bool
    /// Names for the values, for the error that refuses one (`username`, `password`).
    public var fields: [String]

    public init(tag: String, name: String, arguments: [Argument] = [], redactArguments: Bool = false, fields: [String] = []) {
        self.tag = tag
        self.name = name
        self.arguments = arguments
        self.redactArguments = redactArguments
        self.fields = fields
    }

    public static func login(tag: String, username: String, password: String) -> IMAPCommand {
        IMAPCommand(tag: tag, name: "LOGIN", arguments: [.string(username), .string(password)], redactArguments: true,
                    fields: ["username", "password"])
    }

    public static func authenticate(tag: String, mechanism: String, initialResponse: String?) -> IMAPCommand {
        IMAPCommand(tag: tag, name: "AUTHENTICATE", arguments: [.atom(mechanism)] + (initialResponse.map { [.atom($0)] } ?? []),
                    redactArguments: initialResponse != nil)
    }

    public static func simple(tag: String, _ name: String) -> IMAPCommand { IMAPCommand(tag: tag, name: name) }

    /// The line for the transcript: LOGIN's strings and SASL responses as `<redacted>`.
    public var redacted: String {
        guard redactArguments else { return (try? chunks(literalPlus: true).map { String(decoding: $0, as: UTF8.self) }.joined()
                                                   .trimmingSuffix("\r\n")) ?? "\(tag) \(name)" }
        if name == "AUTHENTICATE", case .atom(let mechanism) = arguments.first { return "\(tag) \(name) \(mechanism) <redacted>" }
        return "\(tag) \(name) <redacted>"
    }

    /// The bytes to send, in pieces: after each piece but the last the server must answer
    /// with a continuation request (a synchronizing literal). With LITERAL+ there is one piece.
    public func chunks(literalPlus: Bool) throws(EncodingError) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var current = Array("\(tag) \(name)".utf8)
        for (i, argument) in arguments.enumerated() {
            let field = i < fields.count ? fields[i] : "argument"
            current.append(0x20)
            switch argument {
            case .atom(let text):
                try Self.check(text, field: field)
                current += Array(text.utf8)
            case .string(let text):
                try Self.check(text, field: field)
                if let quoted = Self.quoted(text) {
                    current += quoted
                } else {
                    let bytes = Array(text.utf8)
                    current += Array("{\(bytes.count)\(literalPlus ? "+" : "")}\r\n".utf8)
                    if !literalPlus {
                        chunks.append(current)
                        current = []
                    }
                    current += bytes
                }
            }
        }
        current += [0x0D, 0x0A]
        chunks.append(current)
        return chunks
    }

    /// A quoted string (RFC 9051 `quoted`: 7-bit text, `"` and `\` escaped), or nil when
    /// the text needs a literal.
    public static func quoted(_ text: String) -> [UInt8]? {
        var out: [UInt8] = [0x22]
        for b in text.utf8 {
            guard b >= 0x20, b < 0x7F else { return nil }
            if b == 0x22 || b == 0x5C { out.append(0x5C) }
            out.append(b)
        }
        out.append(0x22)
        return out
    }

    static func check(_ text: String, field: String) throws(EncodingError) { try CommandText.check(text, field: field) }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
