import Failures
import MailSession
import SASL

/// The kinds of failure an IMAP session raises: the mail-session kinds every protocol
/// client shares (the session core's), SASL's, and IMAP's own.
extension FailureKind {
    /// The server's greeting is not an IMAP greeting at all.
    public static let notIMAP = FailureKind("not-imap")
    /// The server refused a login until the connection is encrypted (`[PRIVACYREQUIRED]`).
    public static let authPrivacyRequired = FailureKind("auth-privacy-required", hint: "use TLS")
    /// The server could not check the login just now (`[UNAVAILABLE]`): try again later.
    public static let serverUnavailable = FailureKind("server-unavailable", hint: "try again later")

    /// Every kind a session raises beyond connecting and TLS: the shared ones, then its own.
    public static let imapClient: [FailureKind] = session + [notIMAP, tlsRequired, authPrivacyRequired, serverUnavailable]
}
