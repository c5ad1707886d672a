/// How a client logs in to a server, decided once for verify, the exports and the service:
/// with a password, an OAuth2 access token, a Kerberos ticket (SASL GSSAPI), or not at all.
public enum LoginPlan: String, Sendable, Equatable, Codable {
    /// The setting names no login (none, the client's IP address, SMTP after POP).
    case noLogin = "none"
    case password
    case oauth2
    case kerberos
}

extension ServerSetting {
    /// The login this setting takes, given whether a password or token is at hand.
    ///
    /// With a secret: a password method first, then OAuth2, then Kerberos when it is the
    /// only way. Without one: Kerberos when the setting has it (a ticket needs no
    /// secret), else the password or token the setting asks for.
    public func loginPlan(secretAtHand: Bool) -> LoginPlan {
        let password = authentication.contains { $0.usesPassword }
        let oauth2 = authentication.contains(.oauth2)
        let kerberos = authentication.contains(.gssapi)
        guard password || oauth2 || kerberos else { return .noLogin }
        if secretAtHand {
            return password ? .password : oauth2 ? .oauth2 : .kerberos
        }
        return kerberos ? .kerberos : password ? .password : .oauth2
    }
}
