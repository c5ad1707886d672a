import Failures
import MailSession

/// Why a session failed: one of the failures every session shares (`.session`), or
/// SMTP's own. `kind` is stable for `--json`; the description says what happened in
/// words a person can act on.
public enum SMTPClientError: SessionError, Equatable {
    case session(SessionFailure)
    case protocolViolation(phase: String, ReplyError)
    case unexpectedReply(phase: String, SMTPReply)
    case authRejected(SMTPReply)
    case unsolicitedReply(SMTPReply)

    public static let dialect = SessionDialect(startTLS: "STARTTLS", login: "AUTH", noLogin: "the server offers no AUTH",
                                               plaintextPrefix: "AUTH ")

    public var sessionFailure: SessionFailure? { if case .session(let failure) = self { failure } else { nil } }

    public var kind: FailureKind {
        switch self {
        case .session(let failure): return failure.kind
        case .protocolViolation(_, .replyTooLarge), .protocolViolation(_, .tooManyLines), .protocolViolation(_, .lineTooLong):
            return .replyTooLarge
        case .protocolViolation(_, .malformed): return .notSMTP
        case .protocolViolation(_, .inconsistentCodes), .unexpectedReply, .unsolicitedReply: return .protocolError
        case .authRejected: return .authRejected
        }
    }

    public var description: String {
        switch self {
        case .session(let failure): return failure.description(in: Self.dialect)
        case .protocolViolation(let phase, let e): return "during \(phase): \(e)"
        case .unexpectedReply(let phase, let r): return "unexpected reply during \(phase): \(r)"
        case .authRejected(let r): return "authentication failed: \(r)"
        case .unsolicitedReply(let r): return "the server sent a reply nobody asked for: \(r)"
        }
    }
}
