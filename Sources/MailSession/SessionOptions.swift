import MailNet

/// How a protocol session connects and how long it waits: the same for SMTP, IMAP and
/// POP3, each with its own `Limits` (the sizes its reader accepts).
public struct SessionOptions<Limits: SessionLimits>: Sendable {
    public var host: String
    public var port: Int
    public var tls: TLSMode
    public var trust: TrustPolicy
    public var connectTimeout: Double
    /// Longest wait for any one reply (and for the TLS handshake).
    public var replyTimeout: Double
    public var limits: Limits
    /// Allow a login that shows the password (PLAIN, LOGIN, USER/PASS) over a connection
    /// without TLS.
    public var allowPlaintextPassword: Bool
    /// How the host's addresses are found: the system's resolver, mailconf's own DNS
    /// (`--dns-server`), or overrides (`--resolve`); the certificate is still checked
    /// against `host`.
    public var resolver: any AddressResolver

    public init(host: String, port: Int, tls: TLSMode, trust: TrustPolicy = .system, connectTimeout: Double = 10,
                replyTimeout: Double = 30, limits: Limits = .default, allowPlaintextPassword: Bool = false,
                resolver: any AddressResolver = SystemResolver()) {
        self.host = host
        self.port = port
        self.tls = tls
        self.trust = trust
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.limits = limits
        self.allowPlaintextPassword = allowPlaintextPassword
        self.resolver = resolver
    }
}

/// The bounds a protocol's reader keeps (line length, reply size…), with defaults.
public protocol SessionLimits: Sendable {
    static var `default`: Self { get }
}
