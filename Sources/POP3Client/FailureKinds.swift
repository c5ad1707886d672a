import Failures
import MailNet
import SASL

/// The kinds of failure a POP3 session raises: the mail-session kinds every protocol
/// client shares (MailNet), SASL's, and POP3's own.
extension FailureKind {
    /// The server's greeting is not a POP3 status line (`+OK` / `-ERR`) at all.
    public static let notPOP3 = FailureKind("not-pop3")
    /// The login was right but the mailbox is locked by another session (RFC 2449 `[IN-USE]`).
    public static let mailboxInUse = FailureKind("mailbox-in-use", hint: "another client holds the mailbox; try again later")
    /// The server could not log in for now (RFC 3206 `[SYS/TEMP]`, RFC 2449 `[LOGIN-DELAY]`).
    public static let loginTemporaryFailure = FailureKind("login-temporary-failure", hint: "a server-side problem; try again later")

    /// Every kind a session raises beyond connecting and TLS, in the order it meets them.
    public static let pop3Client: [FailureKind] = [
        connectionClosed, greetingTimeout, greetingRejected, notPOP3, startTLSNotOffered, startTLSRefused, startTLSInjection,
        plaintextAuthRefused, tlsRequired, authNotOffered, authMechanismNotOffered, authRejected, mailboxInUse,
        loginTemporaryFailure, saslError, protocolError, replyTooLarge, timeout, invalidInput,
    ]
}
