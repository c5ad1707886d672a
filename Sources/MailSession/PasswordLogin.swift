import SASL

/// The password login every protocol makes alike: the strongest SASL mechanism both
/// sides have, CRAM-MD5 first, PLAIN and LOGIN only where the password may show.
extension SessionCore {
    /// The strongest password mechanism the server offers and this connection allows,
    /// or nil.
    package func passwordMechanism(offered: [String], username: String, password: Secret) -> (any SASLMechanism)? {
        var available: Set<MechanismName> = [.cramMD5]
        if mayShowPassword { available.formUnion(MechanismName.exposingPassword) }
        guard let name = SASLPreference.strongest(offered: offered, available: available) else { return nil }
        return SASLMechanisms.make(name, username: username, secret: password)
    }

    /// Why no password mechanism could be used: one that would show the password without
    /// TLS (named as the protocol does, after `prefix`), or none of the three offered.
    package func noPasswordMechanism(offered: [String], prefix: String = "") -> SessionFailure {
        if let exposed = MechanismName.exposingPassword.first(where: { $0.isOffered(in: offered) }) {
            return .plaintextPasswordRefused(mechanism: prefix + exposed.text)
        }
        return .authMechanismNotOffered("PLAIN, LOGIN or CRAM-MD5", offered: offered)
    }
}
