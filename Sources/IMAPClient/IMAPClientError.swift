import Failures
import MailNet
import SASL

/// Why an IMAP session failed. `kind` is stable for `--json`; the description says what
/// happened in words a person can act on.
public enum IMAPClientError: MailconfError, Equatable {
    case dnsFailure(host: String, reason: String)
    case connect(host: String, port: Int, ConnectFailure)
    case timeout(phase: String, seconds: Double)
    case connectionClosed(phase: String)
    /// The server said `* BYE` in the middle of a command, and closes.
    case serverBye(phase: String, String)
    case protocolViolation(phase: String, IMAPResponseError)
    case unexpectedResponse(phase: String, String)
    /// A tagged response whose tag is not the one of the command sent.
    case tagMismatch(expected: String, got: String)
    case notIMAP(String)
    case greetingRejected(String)
    case startTLSNotOffered
    case startTLSRefused(String)
    case startTLSInjection(bytes: Int)
    case tls(TLSFailure)
    /// LOGINDISABLED without TLS: the server takes a login only once encrypted.
    case tlsRequired
    case authNotOffered
    case authMechanismNotOffered(String, offered: [String])
    case plaintextPasswordRefused(mechanism: String)
    case authRejected(String)
    case authPrivacyRequired(String)
    case serverUnavailable(String)
    case invalidInput(IMAPCommand.EncodingError)
    case sasl(SASLError)

    public var kind: FailureKind {
        switch self {
        case .dnsFailure: return .dnsFailure
        case .connect(_, _, let failure): return failure.kind
        case .timeout(let phase, _): return SessionWording.timeoutKind(phase: phase)
        case .connectionClosed, .serverBye: return .connectionClosed
        case .protocolViolation(_, let e):
            if case .malformed = e { return .protocolError }
            return .replyTooLarge
        case .unexpectedResponse, .tagMismatch: return .protocolError
        case .notIMAP: return .notIMAP
        case .greetingRejected: return .greetingRejected
        case .startTLSNotOffered: return .startTLSNotOffered
        case .startTLSRefused: return .startTLSRefused
        case .startTLSInjection: return .startTLSInjection
        case .tls(let failure): return failure.kind
        case .tlsRequired: return .tlsRequired
        case .authNotOffered: return .authNotOffered
        case .authMechanismNotOffered: return .authMechanismNotOffered
        case .plaintextPasswordRefused: return .plaintextAuthRefused
        case .authRejected: return .authRejected
        case .authPrivacyRequired: return .authPrivacyRequired
        case .serverUnavailable: return .serverUnavailable
        case .invalidInput: return .invalidInput
        case .sasl(let e): return e.kind
        }
    }

    public var description: String {
        switch self {
        case .dnsFailure(let host, let reason): return SessionWording.dnsFailure(host: host, reason: reason)
        case .connect(let host, let port, let failure): return SessionWording.connect(host: host, port: port, failure)
        case .timeout(let phase, let s): return SessionWording.timeout(phase: phase, seconds: s)
        case .connectionClosed(let phase): return SessionWording.connectionClosed(phase: phase)
        case .serverBye(let phase, let text): return "the server ended the session during \(phase): \(text)"
        case .protocolViolation(let phase, let e): return "during \(phase): \(e)"
        case .unexpectedResponse(let phase, let line): return "unexpected response during \(phase): \(line)"
        case .tagMismatch(let expected, let got):
            return "the server answered command \(expected) with tag \(got); it does not speak IMAP correctly"
        case .notIMAP(let line): return "the server's greeting is not IMAP (check the port): \(line)"
        case .greetingRejected(let text): return "the server refused the connection: \(text)"
        case .startTLSNotOffered:
            return "the server does not offer STARTTLS; stopped before sending anything else (no plaintext fallback)"
        case .startTLSRefused(let text): return "the server refused STARTTLS: \(text)"
        case .startTLSInjection(let n): return SessionWording.startTLSInjection(bytes: n, command: "STARTTLS")
        case .tls(let failure): return failure.description
        case .tlsRequired:
            return "the server refuses a login without TLS (LOGINDISABLED); use STARTTLS on this port or implicit TLS (993)"
        case .authNotOffered: return "the server offers no way to log in (no AUTH= and LOGINDISABLED)"
        case .authMechanismNotOffered(let m, let offered):
            return SessionWording.mechanismNotOffered(m, offered: offered, command: "AUTHENTICATE")
        case .plaintextPasswordRefused(let m): return SessionWording.plaintextPasswordRefused(m)
        case .authRejected(let text): return "authentication failed: \(text); check the username and password"
        case .authPrivacyRequired(let text): return "the server takes a login only over TLS: \(text); use STARTTLS or implicit TLS"
        case .serverUnavailable(let text):
            return "the server cannot check logins just now: \(text); try again later (the settings may well be right)"
        case .invalidInput(let e): return e.description
        case .sasl(let e): return e.description
        }
    }
}
