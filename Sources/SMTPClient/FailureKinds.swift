import Failures

/// The kinds of failure an SMTP session raises, beyond MailNet's (finding the host,
/// connecting, TLS).
extension FailureKind {
    public static let connectionClosed = FailureKind("connection-closed")
    public static let greetingTimeout = FailureKind("greeting-timeout")
    public static let greetingRejected = FailureKind("greeting-rejected")
    public static let notSMTP = FailureKind("not-smtp")
    public static let startTLSNotOffered = FailureKind("starttls-not-offered")
    public static let startTLSRefused = FailureKind("starttls-refused")
    public static let startTLSInjection = FailureKind("starttls-injection")
    public static let plaintextAuthRefused = FailureKind("plaintext-auth-refused")
    public static let authNotOffered = FailureKind("auth-not-offered")
    public static let authMechanismNotOffered = FailureKind("auth-mechanism-not-offered")
    public static let authRejected = FailureKind("auth-rejected")
    public static let saslError = FailureKind("sasl-error")
    public static let protocolError = FailureKind("protocol-error")
    public static let replyTooLarge = FailureKind("reply-too-large")
    public static let timeout = FailureKind("timeout")
    public static let invalidInput = FailureKind("invalid-input")

    /// Every kind above, in the order a session meets them.
    public static let smtpClient: [FailureKind] = [
        connectionClosed, greetingTimeout, greetingRejected, notSMTP, startTLSNotOffered, startTLSRefused, startTLSInjection,
        plaintextAuthRefused, authNotOffered, authMechanismNotOffered, authRejected, saslError, protocolError,
        replyTooLarge, timeout, invalidInput,
    ]
}
