import Failures
import MailSession
import SASL

/// The kinds of failure a POP3 session raises: the mail-session kinds every protocol
/// client shares (the session core's), SASL's, and POP3's own.
extension FailureKind {
    /// The server's greeting is not a POP3 status line (`+OK` / `-ERR`) at all.
    public static let notPOP3 = FailureKind("not-pop3")
    /// The login was right but the mailbox is locked by another session (RFC 2449 `[IN-USE]`).
    public static let mailboxInUse = FailureKind("mailbox-in-use", hint: "another client holds the mailbox; try again later")
    /// The server could not log in for now (RFC 3206 `[SYS/TEMP]`, RFC 2449 `[LOGIN-DELAY]`).
    public static let loginTemporaryFailure = FailureKind("login-temporary-failure", hint: "a server-side problem; try again later")

    /// Every kind a session raises beyond connecting and TLS: the shared ones, then its own.
    public static let pop3Client: [FailureKind] = session + [notPOP3, tlsRequired, mailboxInUse, loginTemporaryFailure]
}
