/// How the connection is protected.
public enum TLSMode: String, Sendable, Codable {
    /// Plaintext only.
    case none
    /// Plaintext, then STARTTLS before anything else; never falls back to plaintext.
    case startTLS = "starttls"
    /// TLS from the first byte.
    case implicit = "tls"
}
