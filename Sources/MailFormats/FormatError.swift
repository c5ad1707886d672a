import Failures
import MailSettings

/// Why a file could not be read or written. Every case names the source and, where
/// known, the line, so the message points at what to fix.
public struct FormatError: MailconfError, Equatable {
    public var kind: FailureKind
    /// The file or other source, as the user named it.
    public var source: String
    public var line: Int?
    public var message: String

    public init(_ kind: FailureKind, source: String, line: Int? = nil, _ message: String) {
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

/// The kinds of failure reading or writing a clientConfig file raises.
extension FailureKind {
    public static let tooLarge = FailureKind("too-large")
    public static let notUTF8 = FailureKind("not-utf8")
    public static let malformed = FailureKind("malformed-xml")
    public static let forbiddenDTD = FailureKind("dtd-forbidden")
    public static let tooDeep = FailureKind("too-deep")
    public static let tooManyNodes = FailureKind("too-many-nodes")
    public static let wrongRoot = FailureKind("wrong-root")
    public static let missingElement = FailureKind("missing-element")
    public static let invalidValue = FailureKind("invalid-value")
    public static let noUsableServer = FailureKind("no-usable-server")
    public static let unsupported = FailureKind("unsupported")
}
