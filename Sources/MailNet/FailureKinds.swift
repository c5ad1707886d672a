import Failures

/// The kinds of failure MailNet raises: finding the host, connecting, and TLS.
extension FailureKind {
    public static let dnsFailure = FailureKind("dns-failure")
    public static let connectionRefused = FailureKind("connection-refused")
    public static let hostUnreachable = FailureKind("host-unreachable")
    public static let networkUnreachable = FailureKind("network-unreachable")
    public static let connectionTimeout = FailureKind("connection-timeout")
    public static let connectionFailed = FailureKind("connection-failed")
    public static let tlsHandshakeFailed = FailureKind("tls-handshake-failed")
    /// The port takes TCP and never finishes the TLS handshake.
    public static let tlsHandshakeTimeout = FailureKind("tls-handshake-timeout")
    public static let certificateUntrusted = FailureKind("certificate-untrusted")
    public static let certificateExpired = FailureKind("certificate-expired", hint: "also not yet valid")
    public static let certificateNameMismatch = FailureKind("certificate-name-mismatch")

    /// Every kind above, in the order a connection meets them.
    public static let mailNet: [FailureKind] = [
        dnsFailure, connectionRefused, hostUnreachable, networkUnreachable, connectionTimeout, connectionFailed,
        tlsHandshakeFailed, tlsHandshakeTimeout, certificateUntrusted, certificateExpired, certificateNameMismatch,
    ]
}

/// The kinds of failure every mail-protocol session (SMTP, IMAP, POP3) raises after
/// connecting: declared once here, where all three clients find them.
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
