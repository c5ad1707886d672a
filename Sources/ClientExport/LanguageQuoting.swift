import Foundation

/// How each programming language's source (and Java's properties) writes a string, per
/// that language's own rules, so that what the program reads back is byte for byte the
/// value. Beside TextQuoting, which is about configuration files.
enum LanguageQuoting {
    /// Python: a double-quoted literal; `\`, `"` and control characters escaped
    /// (`\n`, `\t`, `\r`, else `\xNN`); the rest as UTF-8 (Python 3's source encoding).
    static func python(_ value: String) -> String {
        doubleQuoted(value) { hex($0, prefix: "\\x", width: 2, fallback: "\\U", fallbackWidth: 8) }
    }

    /// PHP: a single-quoted literal, where only `\\` and `\'` are escapes; every other
    /// byte, a line break included, is taken as it is.
    static func php(_ value: String) -> String {
        var out = "'"
        for c in value.unicodeScalars {
            if c == "\\" || c == "'" { out += "\\" }
            out.unicodeScalars.append(c)
        }
        return out + "'"
    }

    /// Ruby: a double-quoted literal; `\`, `"` and `#` (which could start `#{…}`)
    /// escaped, control characters as `\n`, `\t`, `\r` or `\u{N}`.
    static func ruby(_ value: String) -> String {
        doubleQuoted(value, alsoEscaping: ["#"]) { "\\u{\(String($0.value, radix: 16))}" }
    }

    /// A double-quoted literal in a language of C-like escapes: `\`, `"` and `special`
    /// after a backslash, line breaks and tabs as `\n`, `\r`, `\t`, any other control
    /// character as `control` writes it; the rest as it is.
    private static func doubleQuoted(_ value: String, alsoEscaping special: Set<Unicode.Scalar> = [],
                                     control: (Unicode.Scalar) -> String) -> String {
        var out = "\""
        for s in value.unicodeScalars {
            switch s {
            case "\\", "\"": out += "\\" + String(s)
            case _ where special.contains(s): out += "\\" + String(s)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where s.properties.generalCategory == .control: out += control(s)
            default: out.unicodeScalars.append(s)
            }
        }
        return out + "\""
    }

    /// JSON (RFC 8259), as Foundation writes it.
    static func json(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// A value in a Java properties file (java.util.Properties.load, which Spring Boot
    /// reads too): `\`, a leading space, `#`, `!`, `=` and `:` escaped; line breaks and
    /// tabs as `\n`, `\r`, `\t`; everything outside printable ASCII as `\uXXXX` (UTF-16),
    /// so the file means the same read as ISO-8859-1 or as UTF-8. Spring resolves `${…}`
    /// in values, and has no escape for it that every version reads: that is refused.
    static func javaProperty(_ value: String, format: String) throws(ExportError) -> String {
        if value.contains("${") {
            throw TextQuoting.refuse(value, format, "it holds ${, which Spring resolves as a placeholder")
        }
        var out = ""
        for (i, s) in value.unicodeScalars.enumerated() {
            switch s {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "#", "!", "=", ":": out += "\\" + String(s)
            case " " where i == 0: out += "\\ "
            default:
                if s.isASCII && s.value >= 0x20 && s.value < 0x7f { out.unicodeScalars.append(s) }
                else { for unit in String(s).utf16 { out += "\\u" + pad(String(unit, radix: 16), 4) } }
            }
        }
        return out
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func hex(_ s: Unicode.Scalar, prefix: String, width: Int, fallback: String, fallbackWidth: Int) -> String {
        s.value < 0x100 ? prefix + pad(String(s.value, radix: 16), width) : fallback + pad(String(s.value, radix: 16), fallbackWidth)
    }
}
