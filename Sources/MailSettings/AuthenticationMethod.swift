/// How a client proves who it is to a server, in clientConfig's vocabulary.
public enum AuthenticationMethod: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// No authentication.
    case none
    /// A password sent in the clear inside the connection (SASL PLAIN or LOGIN).
    case passwordCleartext = "password-cleartext"
    /// A challenge-response password mechanism (CRAM-MD5).
    case passwordEncrypted = "password-encrypted"
    /// OAuth 2.0 bearer tokens (SASL XOAUTH2 / OAUTHBEARER).
    case oauth2
    /// Kerberos through GSS-API.
    case gssapi
    /// NTLM (Windows "Secure Password Authentication").
    case ntlm
    /// A TLS client certificate.
    case clientCertificate = "client-certificate"
    /// Trusted by the client's IP address (outgoing only).
    case clientIPAddress = "client-ip-address"
    /// SMTP after a POP3 login (outgoing only).
    case smtpAfterPOP = "smtp-after-pop"

    /// The word clientConfig files use.
    public var clientConfigName: String {
        switch self {
        case .none: return "none"
        case .passwordCleartext: return "password-cleartext"
        case .passwordEncrypted: return "password-encrypted"
        case .oauth2: return "OAuth2"
        case .gssapi: return "GSSAPI"
        case .ntlm: return "NTLM"
        case .clientCertificate: return "TLS-client-cert"
        case .clientIPAddress: return "client-IP-address"
        case .smtpAfterPOP: return "smtp-after-pop"
        }
    }

    /// Reads a clientConfig `authentication` value. Thunderbird compares these exactly;
    /// its deprecated spellings `plain` and `secure` are read as the current ones.
    public init?(clientConfigName: String) {
        switch clientConfigName {
        case "none": self = .none
        case "password-cleartext", "plain": self = .passwordCleartext
        case "password-encrypted", "secure": self = .passwordEncrypted
        case "OAuth2": self = .oauth2
        case "GSSAPI": self = .gssapi
        case "NTLM": self = .ntlm
        case "TLS-client-cert": self = .clientCertificate
        case "client-IP-address": self = .clientIPAddress
        case "smtp-after-pop": self = .smtpAfterPOP
        default: return nil
        }
    }

    /// Reads what a person types: this type's names, clientConfig's names and the SASL
    /// names behind them (`plain`, `login`, `cram-md5`, `xoauth2`, `kerberos`…), any case.
    public init(parsing text: String) throws(ValidationError) {
        let key = text.lowercased()
        if let direct = AuthenticationMethod(rawValue: key) { self = direct; return }
        switch key {
        case "password", "plain", "login", "cleartext": self = .passwordCleartext
        case "cram-md5", "encrypted", "secure": self = .passwordEncrypted
        case "xoauth2", "oauthbearer", "oauth": self = .oauth2
        case "kerberos", "gss-api": self = .gssapi
        case "spa": self = .ntlm
        case "tls-client-cert", "certificate", "cert": self = .clientCertificate
        case "client-ip", "ip": self = .clientIPAddress
        default:
            throw ValidationError(
                field: "authentication", value: text, reason: "it is not a known authentication method",
                expected: AuthenticationMethod.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    /// True for methods that send a password the server can read or verify.
    public var usesPassword: Bool { self == .passwordCleartext || self == .passwordEncrypted || self == .ntlm }

    /// True for methods only meaningful on an outgoing (SMTP) server.
    public var isOutgoingOnly: Bool { self == .none || self == .clientIPAddress || self == .smtpAfterPOP }

    public var description: String { rawValue }
}
