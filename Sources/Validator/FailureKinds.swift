import Failures
import IMAPClient
import Kerberos
import MailNet
import MailSession
import POP3Client
import SMTPClient

/// The kinds of failure a live check names beyond its clients' own: what the server's
/// answers mean for this setting.
extension FailureKind {
    public static let authRequired = FailureKind("auth-required")
    public static let credentialsMissing = FailureKind("credentials-missing")
    public static let senderRejected = FailureKind("sender-rejected")
    public static let relayRefused = FailureKind("relay-refused")
    public static let deferred = FailureKind("deferred")
    public static let bounced = FailureKind("bounced")
    public static let gssapiNotOffered = FailureKind("gssapi-not-offered")
    public static let kerberosRejected = FailureKind("kerberos-rejected", hint: "the server refused a ticket the KDC issued")

    /// What the envelope probe and the test message say.
    public static let validator: [FailureKind] = [
        tlsRequired, authRequired, credentialsMissing, senderRejected, relayRefused, deferred, bounced,
    ]

    /// Every kind `verify` can report, for its help text and scripts: the connection and
    /// TLS (MailNet), the session (SMTPClient) and the verdicts; then Kerberos logins.
    public static let verifyGeneral: [FailureKind] = {
        // A few dozen kinds, deduplicated by name without a Set: this list is made at
        // every start of mailconf (verify's help text), and the Set's first use costs
        // more in run-time type look-ups than the whole scan.
        var kept: [FailureKind] = []
        for kind in mailNet + smtpClient + imapClient + pop3Client + validator where !kept.contains(kind) {
            kept.append(kind)
        }
        return kept
    }()
    public static let verifyKerberos: [FailureKind] = [gssapiNotOffered] + kerberos + [kerberosRejected]
}
