import Failures
import MailNet
import SASL

/// The failures the three protocol sessions (SMTP, IMAP, POP3) share: finding the host,
/// connecting, TLS and the certificate, the greeting, STARTTLS, waiting, the connection
/// going away, a command that cannot be written, and the login steps every protocol
/// has. Each client's error wraps these (`.session(…)`) beside its own cases, and says
/// them in its protocol's words (``SessionDialect``).
public enum SessionFailure: Error, Equatable, Sendable {
    case dnsFailure(host: String, reason: String)
    /// No TCP connection: refused, unreachable, timed out (MailNet names which).
    case connect(host: String, port: Int, ConnectFailure)
    case timeout(phase: String, seconds: Double)
    case connectionClosed(phase: String)
    /// The greeting said no (SMTP 554, IMAP `* BYE`, POP3 `-ERR`), as the server said it.
    case greetingRejected(String)
    case startTLSNotOffered
    case startTLSRefused(String)
    /// Bytes after the STARTTLS answer and before the handshake (response injection).
    case startTLSInjection(bytes: Int)
    /// The handshake or the certificate failed (MailNet names which).
    case tls(TLSFailure)
    case authNotOffered
    case authMechanismNotOffered(String, offered: [String])
    /// A login that would show the password without TLS; `mechanism` as the protocol names it.
    case plaintextPasswordRefused(mechanism: String)
    case invalidCommand(CommandTextError)
    case sasl(SASLError)

    public var kind: FailureKind {
        switch self {
        case .dnsFailure: return .dnsFailure
        case .connect(_, _, let failure): return failure.kind
        case .timeout(let phase, _):
            return phase == "greeting" ? .greetingTimeout : phase == TLSPhase.handshake ? .tlsHandshakeTimeout : .timeout
        case .connectionClosed: return .connectionClosed
        case .greetingRejected: return .greetingRejected
        case .startTLSNotOffered: return .startTLSNotOffered
        case .startTLSRefused: return .startTLSRefused
        case .startTLSInjection: return .startTLSInjection
        case .tls(let failure): return failure.kind
        case .authNotOffered: return .authNotOffered
        case .authMechanismNotOffered: return .authMechanismNotOffered
        case .plaintextPasswordRefused: return .plaintextAuthRefused
        case .invalidCommand(let e): return e.kind
        case .sasl(.invalidCharacter): return .invalidInput
        case .sasl(let e): return e.kind
        }
    }

    /// The failure in the words of `dialect`'s protocol, saying what to do.
    public func description(in dialect: SessionDialect) -> String {
        switch self {
        case .dnsFailure(let host, let reason): return "cannot resolve \(host): \(reason); check the host name"
        case .connect(let host, let port, .timedOut(let s)):
            return "no TCP connection to \(host):\(port) within \(s) s (a firewall may drop the packets)"
        case .connect(let host, let port, let failure): return "could not connect to \(host):\(port): \(failure)"
        case .timeout(TLSPhase.handshake, let s):
            return "the TLS handshake did not finish within \(s) s: the port takes the connection but does not answer TLS (a STARTTLS or plaintext port? try STARTTLS)"
        case .timeout(let phase, let s): return "the server sent nothing for \(s) s during \(phase)"
        case .connectionClosed(let phase): return "the server closed the connection during \(phase)"
        case .greetingRejected(let text): return "the server refused the connection: \(text)"
        case .startTLSNotOffered:
            return "the server does not offer \(dialect.startTLS); stopped before sending anything else (no plaintext fallback)\(dialect.startTLSMissingHint)"
        case .startTLSRefused(let text): return "the server refused \(dialect.startTLS): \(text)"
        case .startTLSInjection(let n):
            return "the server sent \(n) bytes after its \(dialect.startTLS) reply and before the TLS handshake (STARTTLS response injection); connection dropped"
        case .tls(let failure): return failure.description
        case .authNotOffered: return dialect.noLogin
        case .authMechanismNotOffered(let m, let offered):
            return "the server does not offer \(dialect.login) \(m); it offers \(offered.isEmpty ? "none" : offered.joined(separator: ", "))"
        case .plaintextPasswordRefused(let m):
            return "refusing \(dialect.plaintextPrefix)\(m) over a connection without TLS (the password would cross the network readable); \(dialect.plaintextFix) or allow it explicitly"
        case .invalidCommand(let e): return e.description
        case .sasl(let e): return e.description
        }
    }
}

extension SessionFailure: CustomStringConvertible {
    public var description: String { description(in: .generic) }
}
