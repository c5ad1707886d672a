/// How each text format writes a value, per its own rules. A value a format has no way
/// to carry is refused with `.unrepresentable`, naming the value and the format.
enum TextQuoting {
    static func refuse(_ value: String, _ format: String, _ why: String) -> ExportError {
        ExportError(.unrepresentable, "\(String(reflecting: value)) cannot be written in a \(format) file: \(why)")
    }

    static func hasLineBreakOrControl(_ value: String) -> Bool {
        value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Bytes every format here takes as they are.
    static func isPlain(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "@._%+:/=-".unicodeScalars.contains($0))
        }
    }

    /// msmtp (1.8): an argument wrapped in double quotes loses those two quotes and is
    /// otherwise taken as it is; there are no escapes, and none is needed. There is no way
    /// to write a line break.
    static func msmtp(_ value: String) throws(ExportError) -> String {
        if hasLineBreakOrControl(value) { throw refuse(value, "msmtprc", "it holds a line break or control character") }
        if value.utf8.count > 400 { throw refuse(value, "msmtprc", "msmtp reads lines of at most 500 characters") }
        if isPlain(value) { return value }
        return "\"" + value + "\""
    }

    /// muttrc: double quotes, with `\` escaping `\`, `"`, the backquote (command
    /// substitution) and `$` (variable expansion), so the value is taken literally.
    static func mutt(_ value: String) throws(ExportError) -> String {
        if hasLineBreakOrControl(value) { throw refuse(value, "muttrc", "it holds a line break or control character") }
        var out = "\""
        for c in value {
            if c == "\\" || c == "\"" || c == "`" || c == "$" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }

    /// git config: a value in double quotes, inside which `\\`, `\"`, `\n` and `\t` are
    /// the escapes git reads; other control characters have none.
    static func gitConfig(_ value: String) throws(ExportError) -> String {
        var out = "\""
        for s in value.unicodeScalars {
            switch s {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if s.properties.generalCategory == .control { throw refuse(value, "git config", "it holds a control character git has no escape for") }
                out.unicodeScalars.append(s)
            }
        }
        return out + "\""
    }

    /// .env: bare when plain, else single quotes (taken literally by dotenv readers and by
    /// a POSIX shell alike). A single quote, a line break or `${` has no form they agree on.
    static func dotenv(_ value: String) throws(ExportError) -> String {
        if value.isEmpty { return "" }
        if hasLineBreakOrControl(value) { throw refuse(value, ".env", "it holds a line break or control character") }
        if isPlain(value) { return value }
        if value.contains("'") { throw refuse(value, ".env", "it holds a single quote, which dotenv readers and shells quote differently") }
        if value.contains("${") { throw refuse(value, ".env", "it holds ${, which python-dotenv expands even inside single quotes") }
        return "'" + value + "'"
    }

    /// Postfix: main.cf has no quoting, and sasl_passwd splits `user:password` at the
    /// first colon, so a username there can hold neither white space nor a colon.
    static func postfixWord(_ value: String, _ what: String) throws(ExportError) -> String {
        if hasLineBreakOrControl(value) || value.contains(where: \.isWhitespace) || value.isEmpty {
            throw refuse(value, "Postfix", "\(what) cannot hold white space or control characters there")
        }
        return value
    }

    /// A value these fetchers' config parsers (isync's, fetchmail's) take in double
    /// quotes: neither a double quote nor a backslash, whose escapes the two write
    /// differently, and no line break or control character.
    static func quotedWord(_ value: String, _ format: String) throws(ExportError) -> String {
        if hasLineBreakOrControl(value) { throw refuse(value, format, "it holds a line break or control character") }
        if value.contains("\"") || value.contains("\\") { throw refuse(value, format, "it holds a double quote or a backslash") }
        return "\"" + value + "\""
    }
}
