import Failures
import MailNet
import SASL

/// The kinds of failure an IMAP session raises: the mail-session kinds every protocol
/// client shares (MailNet), SASL's, and IMAP's own.
extension FailureKind {
    /// The server's greeting is not an IMAP greeting at all.
    public static let notIMAP = FailureKind("not-imap")
    /// The server refused a login until the connection is encrypted (`[PRIVACYREQUIRED]`).
    public static let authPrivacyRequired = FailureKind("auth-privacy-required", hint: "use TLS")
    /// The server could not check the login just now (`[UNAVAILABLE]`): try again later.
    public static let serverUnavailable = FailureKind("server-unavailable", hint: "try again later")

    /// Every kind a session raises beyond connecting and TLS, in the order it meets them.
    public static let imapClient: [FailureKind] = [
        connectionClosed, greetingTimeout, greetingRejected, notIMAP, startTLSNotOffered, startTLSRefused, startTLSInjection,
        tlsRequired, plaintextAuthRefused, authNotOffered, authMechanismNotOffered, authRejected, authPrivacyRequired,
        serverUnavailable, saslError, protocolError, replyTooLarge, timeout, invalidInput,
    ]
}
