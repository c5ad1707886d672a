/// How the connection is protected.
public enum TLSMode: String, Sendable, Codable {
    /// Plaintext only.
    case none
    /// Plaintext, then STARTTLS before anything else; never falls back to plaintext.
    case startTLS = "starttls"
    /// TLS from the first byte.
    case implicit = "tls"
}

/// The phase every protocol client names its TLS handshake wait with (transcripts,
/// timeouts): a port that takes TCP and never finishes it is `tls-handshake-timeout`.
public enum TLSPhase {
    public static let handshake = "tls-handshake"
}
