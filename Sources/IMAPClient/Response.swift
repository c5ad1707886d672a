/// One server response (RFC 9051 §7): a status (tagged or untagged), untagged data, or a
/// continuation request. Literals are kept apart; `line` shows them as `{n}`.
public struct IMAPResponse: Sendable, Equatable, CustomStringConvertible {
    public enum Status: String, Sendable, Equatable {
        case ok = "OK", no = "NO", bad = "BAD", preauth = "PREAUTH", bye = "BYE"
    }

    public enum Kind: Sendable, Equatable {
        /// `tag OK|NO|BAD [code] text`, or untagged (`tag` nil) `* OK|NO|BAD|PREAUTH|BYE …`.
        case status(tag: String?, Status, code: IMAPResponseCode?, text: String)
        /// Untagged data such as `* CAPABILITY …` (name `CAPABILITY`) or `* 3 EXISTS` (name `EXISTS`).
        case data(name: String, text: String)
        /// `+ text`: the server waits for more of the command (a literal, a SASL answer).
        case continuation(String)
    }

    public var kind: Kind
    /// The response as received, literals shown as `{n}`, control bytes escaped.
    public var line: String
    public var literals: [[UInt8]]

    public init(kind: Kind, line: String, literals: [[UInt8]] = []) {
        self.kind = kind
        self.line = line
        self.literals = literals
    }

    public var description: String { line }

    public var tag: String? {
        if case .status(let tag, _, _, _) = kind { return tag }
        return nil
    }

    public var status: Status? {
        if case .status(_, let status, _, _) = kind { return status }
        return nil
    }

    public var code: IMAPResponseCode? {
        if case .status(_, _, let code, _) = kind { return code }
        return nil
    }

    /// The human-readable text of a status response (or a continuation's text).
    public var text: String {
        switch kind {
        case .status(_, _, _, let text): return text
        case .data(_, let text): return text
        case .continuation(let text): return text
        }
    }
}

/// A response code: `[AUTHENTICATIONFAILED]`, `[CAPABILITY IMAP4rev1 …]`.
public struct IMAPResponseCode: Sendable, Equatable {
    /// Upper-cased, such as `CAPABILITY`.
    public var name: String
    public var arguments: String

    public init(name: String, arguments: String = "") {
        self.name = name.uppercased()
        self.arguments = arguments
    }

    public static let authenticationFailed = "AUTHENTICATIONFAILED"
    public static let privacyRequired = "PRIVACYREQUIRED"
    public static let unavailable = "UNAVAILABLE"
    public static let capability = "CAPABILITY"
}

/// What a command got back: the untagged responses that came first, and the response
/// that ended the wait (the tagged status, a continuation request, or the greeting).
public struct IMAPReply: Sendable, Equatable {
    public var untagged: [IMAPResponse]
    public var final: IMAPResponse
}
