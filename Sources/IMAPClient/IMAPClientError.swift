import Failures
import MailSession

/// Why an IMAP session failed: one of the failures every session shares (`.session`),
/// or IMAP's own. `kind` is stable for `--json`; the description says what happened in
/// words a person can act on.
public enum IMAPClientError: SessionError, Equatable {
    case session(SessionFailure)
    /// The server said `* BYE` in the middle of a command, and closes.
    case serverBye(phase: String, String)
    case protocolViolation(phase: String, IMAPResponseError)
    case unexpectedResponse(phase: String, String)
    /// A tagged response whose tag is not the one of the command sent.
    case tagMismatch(expected: String, got: String)
    case notIMAP(String)
    /// LOGINDISABLED without TLS: the server takes a login only once encrypted.
    case tlsRequired
    case authRejected(String)
    case authPrivacyRequired(String)
    case serverUnavailable(String)

    public static let dialect = SessionDialect(
        startTLS: "STARTTLS", login: "AUTHENTICATE", noLogin: "the server offers no way to log in (no AUTH= and LOGINDISABLED)")

    public var sessionFailure: SessionFailure? { if case .session(let failure) = self { failure } else { nil } }

    public var kind: FailureKind {
        switch self {
        case .session(let failure): return failure.kind
        case .serverBye: return .connectionClosed
        case .protocolViolation(_, .malformed): return .protocolError
        case .protocolViolation: return .replyTooLarge
        case .unexpectedResponse, .tagMismatch: return .protocolError
        case .notIMAP: return .notIMAP
        case .tlsRequired: return .tlsRequired
        case .authRejected: return .authRejected
        case .authPrivacyRequired: return .authPrivacyRequired
        case .serverUnavailable: return .serverUnavailable
        }
    }

    public var description: String {
        switch self {
        case .session(let failure): return failure.description(in: Self.dialect)
        case .serverBye(let phase, let text): return "the server ended the session during \(phase): \(text)"
        case .protocolViolation(let phase, let e): return "during \(phase): \(e)"
        case .unexpectedResponse(let phase, let line): return "unexpected response during \(phase): \(line)"
        case .tagMismatch(let expected, let got):
            return "the server answered command \(expected) with tag \(got); it does not speak IMAP correctly"
        case .notIMAP(let line): return "the server's greeting is not IMAP (check the port): \(line)"
        case .tlsRequired:
            return "the server refuses a login without TLS (LOGINDISABLED); use STARTTLS on this port or implicit TLS (993)"
        case .authRejected(let text): return "authentication failed: \(text); check the username and password"
        case .authPrivacyRequired(let text): return "the server takes a login only over TLS: \(text); use STARTTLS or implicit TLS"
        case .serverUnavailable(let text):
            return "the server cannot check logins just now: \(text); try again later (the settings may well be right)"
        }
    }
}
