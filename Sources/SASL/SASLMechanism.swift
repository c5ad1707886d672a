import Failures
import Foundation

/// A SASL mechanism as a mail client runs it (SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH):
/// an optional initial response, then one answer per server challenge. Challenges and
/// answers are raw bytes; the session does the base64.
public protocol SASLMechanism: Sendable {
    /// The name in AUTH and in the EHLO list, such as `PLAIN`.
    var name: MechanismName { get }
    /// True when the password crosses the connection in a form anyone reading it can
    /// use (PLAIN, LOGIN); such a mechanism needs TLS unless the caller allows otherwise.
    var exposesPassword: Bool { get }
    /// The initial response, or nil to wait for the first challenge.
    mutating func start() throws(SASLError) -> [UInt8]?
    /// The answer to one challenge.
    mutating func next(challenge: [UInt8]) throws(SASLError) -> [UInt8]
}

public enum SASLError: MailconfError, Equatable {
    case unexpectedChallenge(mechanism: String)
    case invalidCharacter(field: String)
    /// A mechanism implemented outside this module (GSSAPI) failed on the client side, with
    /// its own stable kind (`kerberos-clock-skew`, …) and a sentence that says what to do.
    case mechanismFailed(mechanism: String, kind: FailureKind, message: String)
    /// A mechanism name that no password or token mechanism here has.
    case unknownMechanism(String)

    /// The stable kind for `--json`.
    public var kind: FailureKind {
        switch self {
        case .mechanismFailed(_, let kind, _): return kind
        case .unknownMechanism: return .invalidInput
        default: return .saslError
        }
    }

    public var description: String {
        switch self {
        case .unexpectedChallenge(let m): return "the server sent an unexpected \(m) challenge"
        case .invalidCharacter(let field): return "the \(field) contains a NUL, CR or LF, which SASL cannot carry"
        case .mechanismFailed(_, _, let message): return message
        case .unknownMechanism(let name): return "unknown mechanism \(name): plain, login, cram-md5 or xoauth2"
        }
    }
}

func checkSASLText(_ text: String, field: String) throws(SASLError) {
    do { try CommandText.check(text, field: field) } catch { throw .invalidCharacter(field: field) }
}
