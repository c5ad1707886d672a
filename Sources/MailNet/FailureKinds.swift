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
