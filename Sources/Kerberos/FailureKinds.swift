import Failures

/// The kinds of failure a Kerberos login raises before the server has its say.
extension FailureKind {
    public static let kerberosUnavailable = FailureKind("kerberos-unavailable", hint: "the library is not installed")
    public static let kerberosNoCredentials = FailureKind("kerberos-no-credentials", hint: "run kinit")
    public static let kerberosTicketExpired = FailureKind("kerberos-ticket-expired")
    public static let kerberosClockSkew = FailureKind("kerberos-clock-skew")
    public static let kerberosUnknownService = FailureKind("kerberos-unknown-service", hint: "the host name is not the server's principal")
    public static let kerberosUnknownClient = FailureKind("kerberos-unknown-client")
    public static let kerberosRealmUnreachable = FailureKind("kerberos-realm-unreachable")
    public static let kerberosError = FailureKind("kerberos-error")

    /// Every kind above.
    public static let kerberos: [FailureKind] = [
        kerberosUnavailable, kerberosNoCredentials, kerberosTicketExpired, kerberosClockSkew, kerberosUnknownService,
        kerberosUnknownClient, kerberosRealmUnreachable, kerberosError,
    ]
}
