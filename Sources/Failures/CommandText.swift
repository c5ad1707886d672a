/// The one check on text bound for a protocol line (SMTP, IMAP, POP3 commands and SASL
/// answers): a CR, LF or NUL would end the command and let the value smuggle in another,
/// so such a value is refused before anything is sent.
public enum CommandText {
    /// Refuses `value` when it holds a CR, LF or NUL. `field` names it in the error
    /// ("username", "password"); a secret is named, never shown.
    public static func check(_ value: String, field: String) throws(CommandTextError) {
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) { throw .forbiddenCharacter(field: field) }
    }

    /// `value` itself when it may go on a line; refused naming it as `visible` shows it.
    public static func checked(_ value: String) throws(CommandTextError) -> String {
        try check(value, field: "value \(visible(value))")
        return value
    }

    /// The value quoted with CR, LF and NUL made visible (`'a\r\nb'`), its first 80 characters.
    public static func visible(_ value: String) -> String {
        var out = "'"
        for s in value.unicodeScalars.prefix(80) {
            switch s {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(s)
            }
        }
        return out + "'"
    }
}

/// Why a command could not be written: a value it cannot carry, or a line over the limit.
public enum CommandTextError: MailconfError, Equatable {
    case forbiddenCharacter(field: String)
    case tooLong(limit: Int)

    public var kind: FailureKind { .invalidInput }

    public var description: String {
        switch self {
        case .forbiddenCharacter(let field):
            return "the \(field) contains a CR, LF or NUL, which cannot go into a mail protocol command"
        case .tooLong(let limit): return "the command would be longer than \(limit) bytes"
        }
    }
}
