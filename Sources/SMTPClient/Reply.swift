/// One SMTP reply: a three-digit code and one or more text lines (RFC 5321 §4.2).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// The RFC 3463 enhanced status code of the first line, when the server sends one.
    public var enhancedCode: EnhancedStatusCode?
    /// The text of each line, without the code, the separator and the CRLF.
    public var lines: [String]

    public init(code: Int, enhancedCode: EnhancedStatusCode? = nil, lines: [String]) {
        self.code = code
        self.enhancedCode = enhancedCode
        self.lines = lines
    }

    /// 2yz: the command worked.
    public var isPositive: Bool { (200..<300).contains(code) }
    /// 3yz: go on (DATA, AUTH challenges).
    public var isIntermediate: Bool { (300..<400).contains(code) }
    /// 4yz: try again later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5yz: do not try again as it is.
    public var isPermanentFailure: Bool { (500..<600).contains(code) }

    /// All lines joined with spaces, for messages.
    public var text: String { lines.joined(separator: " ") }

    public var description: String { "\(code) \(text)" }
}

/// An RFC 3463 enhanced status code such as `5.7.8` (class.subject.detail).
public struct EnhancedStatusCode: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var statusClass: Int
    public var subject: Int
    public var detail: Int

    /// Reads the code at the start of a reply line's text; nil when there is none.
    public init?(prefixOf text: Substring) {
        let token = text.prefix { $0 != " " }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let c = Int(parts[0]), [2, 4, 5].contains(c), parts[0].count == 1,
              let s = Int(parts[1]), (1...3).contains(parts[1].count),
              let d = Int(parts[2]), (1...3).contains(parts[2].count)
        else { return nil }
        statusClass = c
        subject = s
        detail = d
    }

    public var description: String { "\(statusClass).\(subject).\(detail)" }
}
