/// One POP3 response (RFC 1939 §3): a status line (`+OK` or `-ERR`, or a SASL `+`
/// continuation, RFC 5034), and for a multi-line response the lines that follow it,
/// dot-unstuffed, without the terminating `.`.
public struct POP3Response: Sendable, Equatable, CustomStringConvertible {
    public enum Status: Sendable, Equatable {
        case ok
        case err
        /// `+ base64`: a SASL challenge.
        case continuation
    }

    public var status: Status
    /// The status line's text after the indicator (for a continuation: the base64 challenge).
    public var text: String
    /// The body of a multi-line response.
    public var lines: [String]

    public init(status: Status, text: String, lines: [String] = []) {
        self.status = status
        self.text = text
        self.lines = lines
    }

    public var isOK: Bool { status == .ok }

    /// The RFC 2449 response code at the start of the text, upper-cased and without its
    /// brackets (`AUTH`, `SYS/TEMP`, `IN-USE`, `LOGIN-DELAY`); nil when there is none.
    public var code: String? {
        guard status != .continuation, text.hasPrefix("["), let close = text.firstIndex(of: "]") else { return nil }
        let code = text[text.index(after: text.startIndex)..<close]
        guard !code.isEmpty, !code.contains(" ") else { return nil }
        return code.uppercased()
    }

    /// The status line as the server sent it.
    public var statusLine: String {
        let indicator: String
        switch status {
        case .ok: indicator = "+OK"
        case .err: indicator = "-ERR"
        case .continuation: indicator = "+"
        }
        return text.isEmpty ? indicator : "\(indicator) \(text)"
    }

    public var description: String { statusLine }
}
