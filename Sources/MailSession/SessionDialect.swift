/// How a protocol names the steps every session shares, for the sentences of
/// ``SessionFailure``: SMTP's STARTTLS and AUTH, IMAP's AUTHENTICATE, POP3's STLS and SASL.
public struct SessionDialect: Sendable {
    /// The command that starts TLS (STARTTLS, STLS); also the phase's name in lower case.
    public var startTLS: String
    /// How the protocol names a SASL login (AUTH, AUTHENTICATE, SASL).
    public var login: String
    /// What follows "does not offer STARTTLS …" (a port to try instead), or nothing.
    public var startTLSMissingHint: String
    /// The sentence for a server that offers no way to log in.
    public var noLogin: String
    /// Put before a refused mechanism's name when the caller gives it bare (`AUTH `).
    public var plaintextPrefix: String
    /// What to do instead of a login without TLS ("use TLS").
    public var plaintextFix: String

    public init(startTLS: String, login: String, startTLSMissingHint: String = "", noLogin: String,
                plaintextPrefix: String = "", plaintextFix: String = "use TLS") {
        self.startTLS = startTLS
        self.login = login
        self.startTLSMissingHint = startTLSMissingHint
        self.noLogin = noLogin
        self.plaintextPrefix = plaintextPrefix
        self.plaintextFix = plaintextFix
    }

    /// Words for a failure seen outside any one protocol.
    public static let generic = SessionDialect(startTLS: "STARTTLS", login: "AUTH", noLogin: "the server offers no way to log in")

    /// The phase STARTTLS (STLS) and its handshake are recorded under.
    public var startTLSPhase: String { startTLS.lowercased() }
}
