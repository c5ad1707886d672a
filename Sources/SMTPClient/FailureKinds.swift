import Failures
import MailNet
import SASL

/// The kinds of failure an SMTP session raises: the mail-session kinds every protocol
/// client shares (MailNet), SASL's, and SMTP's own.
extension FailureKind {
    /// The server's greeting is not an SMTP reply at all.
    public static let notSMTP = FailureKind("not-smtp")

    /// Every kind a session raises beyond connecting and TLS, in the order it meets them.
    public static let smtpClient: [FailureKind] = [
        connectionClosed, greetingTimeout, greetingRejected, notSMTP, startTLSNotOffered, startTLSRefused, startTLSInjection,
        plaintextAuthRefused, authNotOffered, authMechanismNotOffered, authRejected, saslError, protocolError,
        replyTooLarge, timeout, invalidInput,
    ]
}
