/// Why a session failed. `kind` is stable for `--json`; the description says what
/// happened in words a person can act on.
import Failures
import Foundation
import MailNet
import SASL

public enum SMTPClientError: MailconfError, Equatable {
    case dnsFailure(host: String, reason: String)
    /// No TCP connection: refused, unreachable, timed out (MailNet names which).
    case connect(host: String, port: Int, ConnectFailure)
    case timeout(phase: String, seconds: Double)
    case connectionClosed(phase: String)
    case protocolViolation(phase: String, ReplyError)
    case unexpectedReply(phase: String, SMTPReply)
    case greetingRejected(SMTPReply)
    case startTLSNotOffered
    case startTLSRefused(SMTPReply)
    case startTLSInjection(bytes: Int)
    /// The handshake or the certificate failed (MailNet names which).
    case tls(TLSFailure)
    case authNotOffered
    case authMechanismNotOffered(String, offered: [String])
    case plaintextPasswordRefused(mechanism: String)
    case authRejected(SMTPReply)
    case invalidCommand(SMTPCommand.EncodingError)
    case sasl(SASLError)
    case unsolicitedReply(SMTPReply)

    public var kind: FailureKind {
        switch self {
        case .dnsFailure: return .dnsFailure
        case .connect(_, _, let failure): return failure.kind
        case .timeout(let phase, _): return SessionWording.timeoutKind(phase: phase)
        case .connectionClosed: return .connectionClosed
        case .protocolViolation(_, let e):
            switch e {
            case .replyTooLarge, .tooManyLines, .lineTooLong: return .replyTooLarge
            case .malformed: return .notSMTP
            case .inconsistentCodes: return .protocolError
            }
        case .unexpectedReply, .unsolicitedReply: return .protocolError
        case .greetingRejected: return .greetingRejected
        case .startTLSNotOffered: return .startTLSNotOffered
        case .startTLSRefused: return .startTLSRefused
        case .startTLSInjection: return .startTLSInjection
        case .tls(let failure): return failure.kind
        case .authNotOffered: return .authNotOffered
        case .authMechanismNotOffered: return .authMechanismNotOffered
        case .plaintextPasswordRefused: return .plaintextAuthRefused
        case .authRejected: return .authRejected
        case .invalidCommand: return .invalidInput
        case .sasl(let e): return e.kind
        }
    }

    public var description: String {
        switch self {
        case .dnsFailure(let host, let reason): return SessionWording.dnsFailure(host: host, reason: reason)
        case .connect(let host, let port, let failure): return SessionWording.connect(host: host, port: port, failure)
        case .timeout(let phase, let s): return SessionWording.timeout(phase: phase, seconds: s)
        case .connectionClosed(let phase): return SessionWording.connectionClosed(phase: phase)
        case .protocolViolation(let phase, let e): return "during \(phase): \(e)"
        case .unexpectedReply(let phase, let r): return "unexpected reply during \(phase): \(r)"
        case .greetingRejected(let r): return "the server refused the connection: \(r)"
        case .startTLSNotOffered: return "the server does not offer STARTTLS; stopped before sending anything else (no plaintext fallback)"
        case .startTLSRefused(let r): return "the server refused STARTTLS: \(r)"
        case .startTLSInjection(let n): return SessionWording.startTLSInjection(bytes: n, command: "STARTTLS")
        case .tls(let failure): return failure.description
        case .authNotOffered: return "the server offers no AUTH"
        case .authMechanismNotOffered(let m, let offered): return SessionWording.mechanismNotOffered(m, offered: offered, command: "AUTH")
        case .plaintextPasswordRefused(let m): return SessionWording.plaintextPasswordRefused("AUTH \(m)")
        case .authRejected(let r): return "authentication failed: \(r)"
        case .invalidCommand(let e): return e.description
        case .sasl(let e): return e.description
        case .unsolicitedReply(let r): return "the server sent a reply nobody asked for: \(r)"
        }
    }
}
