
/// Mechanisms mailconf can run, strongest first, for choosing among what a server offers.
/// The password and token mechanisms by name: the one place a name becomes a mechanism.
public enum SASLMechanisms {
    /// PLAIN, LOGIN, CRAM-MD5 (a password) or XOAUTH2 (an access token), any letter case;
    /// nil for any other name.
    public static func make(_ name: MechanismName, username: String, secret: Secret) -> (any SASLMechanism)? {
        switch name {
        case .plain: return PlainMechanism(username: username, password: secret)
        case .login: return LoginMechanism(username: username, password: secret)
        case .cramMD5: return CramMD5Mechanism(username: username, password: secret)
        case .xoauth2: return XOAuth2Mechanism(username: username, token: secret)
        default: return nil
        }
    }
}

public enum SASLPreference {
    public static let order: [MechanismName] = [.xoauth2, .cramMD5, .plain, .login]

    /// The first of `order` that the server offers and the caller can do.
    public static func strongest(offered: [String], available: Set<MechanismName>) -> MechanismName? {
        order.first { $0.isOffered(in: offered) && available.contains($0) }
    }
}
