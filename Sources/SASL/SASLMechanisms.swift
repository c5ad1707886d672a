
/// Mechanisms mailconf can run, strongest first, for choosing among what a server offers.
/// The password and token mechanisms by name: the one place a name becomes a mechanism.
public enum SASLMechanisms {
    /// PLAIN, LOGIN, CRAM-MD5 (a password) or XOAUTH2 (an access token), any letter case;
    /// nil for any other name.
    public static func make(_ name: String, username: String, secret: Secret) -> (any SASLMechanism)? {
        switch name.uppercased() {
        case "PLAIN": return PlainMechanism(username: username, password: secret)
        case "LOGIN": return LoginMechanism(username: username, password: secret)
        case "CRAM-MD5": return CramMD5Mechanism(username: username, password: secret)
        case "XOAUTH2": return XOAuth2Mechanism(username: username, token: secret)
        default: return nil
        }
    }
}

public enum SASLPreference {
    public static let order = ["XOAUTH2", "CRAM-MD5", "PLAIN", "LOGIN"]

    /// The first of `order` that the server offers and the caller can do.
    public static func strongest(offered: [String], available: Set<String>) -> String? {
        order.first { offered.contains($0) && available.contains($0) }
    }
}
