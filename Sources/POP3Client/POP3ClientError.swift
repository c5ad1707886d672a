import Failures
import MailSession

/// Why a POP3 session failed: one of the failures every session shares (`.session`),
/// or POP3's own. `kind` is stable for `--json`; the description says what happened in
/// words a person can act on.
public enum POP3ClientError: SessionError, Equatable {
    case session(SessionFailure)
    case protocolViolation(phase: String, POP3ResponseError)
    case unexpectedResponse(phase: String, POP3Response)
    /// The server takes a login only after STLS (or only over TLS).
    case tlsRequired(POP3Response)
    case authRejected(POP3Response)
    case mailboxInUse(POP3Response)
    case temporaryFailure(POP3Response)

    public static let dialect = SessionDialect(
        startTLS: "STLS", login: "SASL", startTLSMissingHint: "; try POP3 over TLS (port 995)",
        noLogin: "the server offers no SASL mechanism (CAPA lists none)", plaintextFix: "use STLS or TLS,")

    public var sessionFailure: SessionFailure? { if case .session(let failure) = self { failure } else { nil } }

    public var kind: FailureKind {
        switch self {
        case .session(let failure): return failure.kind
        case .protocolViolation(_, .responseTooLarge), .protocolViolation(_, .tooManyLines), .protocolViolation(_, .lineTooLong):
            return .replyTooLarge
        case .protocolViolation(let phase, .malformed): return phase == "greeting" ? .notPOP3 : .protocolError
        case .protocolViolation(_, .unsolicited), .unexpectedResponse: return .protocolError
        case .tlsRequired: return .tlsRequired
        case .authRejected: return .authRejected
        case .mailboxInUse: return .mailboxInUse
        case .temporaryFailure: return .loginTemporaryFailure
        }
    }

    public var description: String {
        switch self {
        case .session(let failure): return failure.description(in: Self.dialect)
        case .protocolViolation("greeting", .malformed(let line)):
            return "the server's greeting is not POP3 (+OK …): \(line); check the port (110 for POP3 with STLS, 995 for POP3 over TLS)"
        case .protocolViolation(let phase, let e): return "during \(phase): \(e)"
        case .unexpectedResponse(let phase, let r): return "unexpected response during \(phase): \(r)"
        case .tlsRequired(let r):
            return "the server takes a login only over TLS: \(r); use STLS or POP3 over TLS (port 995)"
        case .authRejected(let r): return "authentication failed: \(r); check the username and password"
        case .mailboxInUse(let r): return "the login worked but the mailbox is in use by another session: \(r); close the other client or try again later"
        case .temporaryFailure(let r): return "the server cannot log in now: \(r); try again later"
        }
    }
}
