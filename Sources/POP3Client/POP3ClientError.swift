import Failures
import Foundation
import MailNet
import SASL

/// Why a POP3 session failed. `kind` is stable for `--json`; the description says what
/// happened in words a person can act on.
public enum POP3ClientError: MailconfError, Equatable {
    case dnsFailure(host: String, reason: String)
    /// No TCP connection: refused, unreachable, timed out (MailNet names which).
    case connect(host: String, port: Int, ConnectFailure)
    case timeout(phase: String, seconds: Double)
    case connectionClosed(phase: String)
    case protocolViolation(phase: String, POP3ResponseError)
    case unexpectedResponse(phase: String, POP3Response)
    case greetingRejected(POP3Response)
    case startTLSNotOffered
    case startTLSRefused(POP3Response)
    case startTLSInjection(bytes: Int)
    /// The handshake or the certificate failed (MailNet names which).
    case tls(TLSFailure)
    case authNotOffered
    case authMechanismNotOffered(String, offered: [String])
    case plaintextPasswordRefused(mechanism: String)
    /// The server takes a login only after STLS (or only over TLS).
    case tlsRequired(POP3Response)
    case authRejected(POP3Response)
    case mailboxInUse(POP3Response)
    case temporaryFailure(POP3Response)
    case invalidCommand(POP3Command.EncodingError)
    case sasl(SASLError)

    public var kind: FailureKind {
        switch self {
        case .dnsFailure: return .dnsFailure
        case .connect(_, _, let failure): return failure.kind
        case .timeout(let phase, _): return SessionWording.timeoutKind(phase: phase)
        case .connectionClosed: return .connectionClosed
        case .protocolViolation(let phase, let e):
            switch e {
            case .responseTooLarge, .tooManyLines, .lineTooLong: return .replyTooLarge
            case .malformed: return phase == "greeting" ? .notPOP3 : .protocolError
            case .unsolicited: return .protocolError
            }
        case .unexpectedResponse: return .protocolError
        case .greetingRejected: return .greetingRejected
        case .startTLSNotOffered: return .startTLSNotOffered
        case .startTLSRefused: return .startTLSRefused
        case .startTLSInjection: return .startTLSInjection
        case .tls(let failure): return failure.kind
        case .authNotOffered: return .authNotOffered
        case .authMechanismNotOffered: return .authMechanismNotOffered
        case .plaintextPasswordRefused: return .plaintextAuthRefused
        case .tlsRequired: return .tlsRequired
        case .authRejected: return .authRejected
        case .mailboxInUse: return .mailboxInUse
        case .temporaryFailure: return .loginTemporaryFailure
        case .invalidCommand: return .invalidInput
        case .sasl(.invalidCharacter): return .invalidInput
        case .sasl(let e): return e.kind
        }
    }

    public var description: String {
        switch self {
        case .dnsFailure(let host, let reason): return SessionWording.dnsFailure(host: host, reason: reason)
        case .connect(let host, let port, let failure): return SessionWording.connect(host: host, port: port, failure)
        case .timeout(let phase, let s): return SessionWording.timeout(phase: phase, seconds: s)
        case .connectionClosed(let phase): return SessionWording.connectionClosed(phase: phase)
        case .protocolViolation("greeting", .malformed(let line)):
            return "the server's greeting is not POP3 (+OK …): \(line); check the port (110 for POP3 with STLS, 995 for POP3 over TLS)"
        case .protocolViolation(let phase, let e): return "during \(phase): \(e)"
        case .unexpectedResponse(let phase, let r): return "unexpected response during \(phase): \(r)"
        case .greetingRejected(let r): return "the server refused the connection: \(r)"
        case .startTLSNotOffered:
            return "the server does not offer STLS; stopped before sending anything else (no plaintext fallback); try POP3 over TLS (port 995)"
        case .startTLSRefused(let r): return "the server refused STLS: \(r)"
        case .startTLSInjection(let n): return SessionWording.startTLSInjection(bytes: n, command: "STLS")
        case .tls(let failure): return failure.description
        case .authNotOffered: return "the server offers no SASL mechanism (CAPA lists none)"
        case .authMechanismNotOffered(let m, let offered): return SessionWording.mechanismNotOffered(m, offered: offered, command: "SASL")
        case .plaintextPasswordRefused(let m): return SessionWording.plaintextPasswordRefused(m, use: "use STLS or TLS,")
        case .tlsRequired(let r):
            return "the server takes a login only over TLS: \(r); use STLS or POP3 over TLS (port 995)"
        case .authRejected(let r): return "authentication failed: \(r); check the username and password"
        case .mailboxInUse(let r): return "the login worked but the mailbox is in use by another session: \(r); close the other client or try again later"
        case .temporaryFailure(let r): return "the server cannot log in now: \(r); try again later"
        case .invalidCommand(let e): return e.description
        case .sasl(let e): return e.description
        }
    }
}
