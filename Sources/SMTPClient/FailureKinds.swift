import Failures
import MailSession
import SASL

/// The kinds of failure an SMTP session raises: the mail-session kinds every protocol
/// client shares (the session core's), SASL's, and SMTP's own.
extension FailureKind {
    /// The server's greeting is not an SMTP reply at all.
    public static let notSMTP = FailureKind("not-smtp")

    /// Every kind a session raises beyond connecting and TLS: the shared ones, then its own.
    public static let smtpClient: [FailureKind] = session + [notSMTP]
}
