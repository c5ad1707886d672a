/// How a connection is protected.
public enum ConnectionSecurity: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// No encryption at all.
    case none
    /// Plaintext first, then upgraded with STARTTLS (RFC 3207).
    case starttls
    /// TLS from the first byte ("implicit TLS", "SSL/TLS"; RFC 8314).
    case tls

    /// The word clientConfig files use: `plain`, `STARTTLS`, `SSL`.
    public var clientConfigName: String {
        switch self {
        case .none: return "plain"
        case .starttls: return "STARTTLS"
        case .tls: return "SSL"
        }
    }

    /// Reads a clientConfig `socketType`, which Thunderbird compares exactly.
    public init?(clientConfigName: String) {
        switch clientConfigName {
        case "plain": self = .none
        case "STARTTLS": self = .starttls
        case "SSL": self = .tls
        default: return nil
        }
    }

    /// Reads what a person types: `none`, `starttls`, `tls` and the common synonyms
    /// (`plain`, `ssl`, `ssl/tls`, `implicit`), any case.
    public init(parsing text: String) throws(ValidationError) {
        switch text.lowercased() {
        case "none", "plain", "plaintext": self = .none
        case "starttls": self = .starttls
        case "tls", "ssl", "ssl/tls", "implicit", "implicit-tls": self = .tls
        default:
            throw ValidationError(field: "security", value: text, reason: "it is not a known connection security",
                                  expected: "none, starttls or tls (tls = SSL/TLS from the first byte)")
        }
    }

    public var description: String { rawValue }

    /// A label for people.
    public var label: String {
        switch self {
        case .none: return "none"
        case .starttls: return "STARTTLS"
        case .tls: return "SSL/TLS"
        }
    }
}
