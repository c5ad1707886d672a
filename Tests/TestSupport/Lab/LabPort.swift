/// A listener of the lab, named as in scripts/lab.list and the env file (`SMTPS_PORT`);
/// what each one is, is said there. A test checks that the two lists agree.
public enum LabPort: String, CaseIterable, Sendable, CustomStringConvertible {
    // Postfix
    case plain = "PLAIN_PORT", submission = "SUBMISSION_PORT", smtps = "SMTPS_PORT", cram = "CRAM_PORT"
    case expired = "EXPIRED_PORT", wrongName = "WRONGNAME_PORT", gssapi = "GSSAPI_PORT", gssapiTLS = "GSSAPI_TLS_PORT"
    // Dovecot
    case imap = "IMAP_PORT", imaps = "IMAPS_PORT", pop3 = "POP3_PORT", pop3s = "POP3S_PORT"
    case imapRemote = "IMAP_REMOTE_PORT", pop3Remote = "POP3_REMOTE_PORT"
    case imapGSSAPI = "IMAP_GSSAPI_PORT", pop3GSSAPI = "POP3_GSSAPI_PORT", imapCRAM = "IMAP_CRAM_PORT", pop3CRAM = "POP3_CRAM_PORT"
    // DNS and Kerberos
    case dns = "DNS_PORT", kdc = "KDC_PORT", noKDC = "NO_KDC_PORT", silentKDC = "SILENT_KDC_PORT"
    // pebble
    case pebble = "PEBBLE_PORT", pebbleManagement = "PEBBLE_MANAGEMENT_PORT", pebbleHTTP = "PEBBLE_HTTP_PORT", pebbleTLS = "PEBBLE_TLS_PORT"
    // PostgreSQL
    case postgres = "POSTGRES_PORT", postgresOutage = "POSTGRES_OUTAGE_PORT"

    public var description: String { rawValue }
}

/// A loopback address of the lab other than 127.0.0.1 (scripts/lab.list).
public enum LabAddress: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Dovecot on it wants STARTTLS/STLS before a login.
    case remote = "REMOTE_ADDRESS"
    /// Dovecot on it shows the expired certificate.
    case expired = "EXPIRED_ADDRESS"
    /// Dovecot on it shows the certificate for another name.
    case wrongName = "WRONGNAME_ADDRESS"

    public var description: String { rawValue }
}
