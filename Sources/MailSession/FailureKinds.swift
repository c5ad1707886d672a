import Failures
import SASL

/// The kinds of failure every mail-protocol session (SMTP, IMAP, POP3) raises after
/// connecting: declared once here, in the session core all three clients are built on.
extension FailureKind {
    public static let connectionClosed = FailureKind("connection-closed")
    public static let greetingTimeout = FailureKind("greeting-timeout")
    public static let greetingRejected = FailureKind("greeting-rejected")
    public static let startTLSNotOffered = FailureKind("starttls-not-offered")
    public static let startTLSRefused = FailureKind("starttls-refused")
    public static let startTLSInjection = FailureKind("starttls-injection")
    /// The server allows a login only after STARTTLS (STLS), or only over TLS.
    public static let tlsRequired = FailureKind("tls-required")
    public static let plaintextAuthRefused = FailureKind("plaintext-auth-refused")
    public static let authNotOffered = FailureKind("auth-not-offered")
    public static let authMechanismNotOffered = FailureKind("auth-mechanism-not-offered")
    public static let authRejected = FailureKind("auth-rejected")
    public static let protocolError = FailureKind("protocol-error")
    public static let replyTooLarge = FailureKind("reply-too-large")
    public static let timeout = FailureKind("timeout")
}

extension FailureKind {
    /// The kinds every session raises beyond connecting and TLS, in the order it meets
    /// them; each client's list adds its own.
    public static let session: [FailureKind] = [
        connectionClosed, greetingTimeout, greetingRejected, startTLSNotOffered, startTLSRefused, startTLSInjection,
        plaintextAuthRefused, authNotOffered, authMechanismNotOffered, authRejected, saslError, protocolError,
        replyTooLarge, timeout, invalidInput,
    ]
}
