import MailSettings

/// Why a file could not be read or written. Every case names the source and, where
/// known, the line, so the message points at what to fix.
public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case tooLarge = "too-large"
        case notUTF8 = "not-utf8"
        case malformed = "malformed-xml"
        case forbiddenDTD = "dtd-forbidden"
        case tooDeep = "too-deep"
        case tooManyNodes = "too-many-nodes"
        case wrongRoot = "wrong-root"
        case missingElement = "missing-element"
        case invalidValue = "invalid-value"
        case noUsableServer = "no-usable-server"
        case unsupported = "unsupported"
    }

    public var kind: Kind
    /// The file or other source, as the user named it.
    public var source: String
    public var line: Int?
    public var message: String

    public init(_ kind: Kind, source: String, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(source):\(line): \(message)" }
        return "\(source): \(message)"
    }
}

/// A note about something that was read but not taken as written (a server skipped,
/// a broken placeholder kept literally, …).
public struct Diagnostic: Equatable, Sendable, CustomStringConvertible, Codable {
    public var line: Int?
    public var message: String
    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
