/// Parses one complete response line (literals already cut out) into an ``IMAPResponse``.
enum ResponseParser {
    static func parse(_ line: String, literals: [[UInt8]] = []) throws(IMAPResponseError) -> IMAPResponse {
        func malformed() -> IMAPResponseError { .malformed(line: shortened(line)) }
        if line == "+" || line.hasPrefix("+ ") {
            return IMAPResponse(kind: .continuation(String(line.dropFirst(2))), line: line, literals: literals)
        }
        guard let space = line.firstIndex(of: " ") else { throw malformed() }
        let tag = String(line[..<space])
        let rest = line[line.index(after: space)...]
        guard !tag.isEmpty, tag.allSatisfy(isTagCharacter) || tag == "*" else { throw malformed() }
        let (word, afterWord) = atom(rest)
        guard !word.isEmpty else { throw malformed() }
        if let status = IMAPResponse.Status(rawValue: word.uppercased()) {
            if tag != "*", status == .preauth || status == .bye { throw malformed() }
            let (code, text) = try responseCode(afterWord, line: line)
            return IMAPResponse(kind: .status(tag: tag == "*" ? nil : tag, status, code: code, text: text),
                                line: line, literals: literals)
        }
        guard tag == "*" else { throw malformed() }
        if word.allSatisfy(\.isNumber) {
            let (name, text) = atom(afterWord)
            guard !name.isEmpty else { throw malformed() }
            return IMAPResponse(kind: .data(name: name.uppercased(), text: word + (text.isEmpty ? "" : " " + text)),
                                line: line, literals: literals)
        }
        return IMAPResponse(kind: .data(name: word.uppercased(), text: String(afterWord)), line: line, literals: literals)
    }

    /// The atom at the start and what follows its space.
    static func atom(_ text: Substring) -> (String, Substring) {
        guard let space = text.firstIndex(of: " ") else { return (String(text), "") }
        return (String(text[..<space]), text[text.index(after: space)...])
    }

    /// An optional `[CODE args]` and the text after it.
    static func responseCode(_ text: Substring, line: String) throws(IMAPResponseError) -> (IMAPResponseCode?, String) {
        guard text.first == "[" else { return (nil, String(text)) }
        guard let close = text.firstIndex(of: "]") else { throw .malformed(line: shortened(line)) }
        let inside = text[text.index(after: text.startIndex)..<close]
        let (name, arguments) = atom(inside)
        guard !name.isEmpty else { throw .malformed(line: shortened(line)) }
        var after = text[text.index(after: close)...]
        if after.first == " " { after = after.dropFirst() }
        return (IMAPResponseCode(name: name, arguments: String(arguments)), String(after))
    }

    static func shortened(_ line: String) -> String { line.count > 120 ? line.prefix(120) + "…" : line }

    /// ASTRING-CHAR except `+` (RFC 9051 `tag`).
    static func isTagCharacter(_ c: Character) -> Bool {
        guard c.isASCII, let v = c.asciiValue, v > 0x20, v < 0x7F else { return false }
        return !"(){%*\"\\+".contains(c)
    }
}
