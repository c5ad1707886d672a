import Failures
import Foundation

/// Why TLS to a server failed, named the way a person fixes it: the certificate's
/// dates, its name, its issuer, or the handshake itself. One list for SMTP, the IMAP and
/// POP3 probes and the https fetch.
public enum TLSFailure: MailconfError, Equatable {
    /// No path to a trusted root (a private CA, a self-signed certificate), with the reason.
    case untrusted(String)
    case expired(notValidAfter: Date)
    case notYetValid(notValidBefore: Date)
    /// The certificate does not name the host connected to.
    case nameMismatch(host: String)
    /// Anything else: no common version or cipher, not TLS at all, a CA file that cannot be read.
    case handshakeFailed(String)
    /// More than one problem with the certificate, in the order TLS libraries check (the
    /// chain, the dates, the name): the first is the kind; all are said.
    case certificate([TLSFailure])

    /// Every certificate problem this failure names (one, or all of `.certificate`).
    public var problems: [TLSFailure] {
        if case .certificate(let all) = self { return all }
        return [self]
    }

    /// The stable kind for `--json`.
    public var kind: FailureKind {
        switch self {
        case .untrusted: return .certificateUntrusted
        case .expired, .notYetValid: return .certificateExpired
        case .nameMismatch: return .certificateNameMismatch
        case .handshakeFailed: return .tlsHandshakeFailed
        case .certificate(let all): return all.first?.kind ?? .certificateUntrusted
        }
    }

    public var description: String {
        switch self {
        case .handshakeFailed(let why): return "TLS handshake failed: \(why)"
        case .nameMismatch(let host):
            return "the server's certificate is not valid for \(host); check the host name (the certificate names another)"
        case .untrusted(let why):
            return "the server's certificate could not be verified (untrusted issuer, expired or not yet valid): \(why); give the issuing CA with --ca-file if it is a private CA"
        case .expired(let date):
            return "the server's certificate expired on \(date.formatted(.iso8601)); the server's operator must renew it"
        case .notYetValid(let date):
            return "the server's certificate is not valid before \(date.formatted(.iso8601)); check this machine's clock"
        case .certificate(let all):
            return all.map(\.description).joined(separator: "; and ")
        }
    }
}
