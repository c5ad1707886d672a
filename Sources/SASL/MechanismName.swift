/// A SASL mechanism's name, as servers list it (upper case): a value compared and passed
/// around as such, not a string spelt again at each use.
public struct MechanismName: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name on the wire (`PLAIN`, `CRAM-MD5`).
    public let text: String

    public init(_ text: String) { self.text = text.uppercased() }
    public init(stringLiteral text: String) { self.init(text) }

    public var description: String { text }

    public static let plain = MechanismName("PLAIN")
    public static let login = MechanismName("LOGIN")
    public static let cramMD5 = MechanismName("CRAM-MD5")
    public static let xoauth2 = MechanismName("XOAUTH2")
    /// Kerberos (RFC 4752); the Kerberos module runs it.
    public static let gssapi = MechanismName("GSSAPI")

    /// The password mechanisms, strongest first.
    public static let passwordMechanisms: [MechanismName] = [.cramMD5, .plain, .login]
    /// The password mechanisms that show the password to anyone reading the connection.
    public static let exposingPassword: [MechanismName] = [.plain, .login]

    /// Whether a server's list (its words, any case) offers this mechanism.
    public func isOffered(in offered: [String]) -> Bool { offered.contains { $0.uppercased() == text } }
}

/// Decoded and encoded as the bare name, as the JSON and the catalog say it.
extension MechanismName {
    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
