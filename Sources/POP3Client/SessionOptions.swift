import MailNet

public struct POP3SessionOptions: Sendable {
    public var host: String
    public var port: Int
    public var tls: TLSMode
    public var trust: TrustPolicy
    public var connectTimeout: Double
    /// Longest wait for any one response (and for the TLS handshake).
    public var replyTimeout: Double
    public var limits: POP3Limits
    /// Allow USER/PASS and SASL PLAIN/LOGIN over a connection without TLS.
    public var allowPlaintextPassword: Bool
    /// How the host's addresses are found: the system's resolver, mailconf's own DNS
    /// (`--dns-server`), or overrides (`--resolve`); the certificate is still checked
    /// against `host`.
    public var resolver: any AddressResolver

    public init(host: String, port: Int, tls: TLSMode, trust: TrustPolicy = .system, connectTimeout: Double = 10,
                replyTimeout: Double = 30, limits: POP3Limits = .default, allowPlaintextPassword: Bool = false,
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
