import DNSClient

/// Where discovery looks and how long it waits.
public struct DiscoveryOptions: Sendable {
    public var dns: DNSResolver
    /// ISPDB base URL (`BASE/DOMAIN`); nil skips it.
    public var ispdbBase: String?
    /// Also ask the autoconfig URLs over plain http (answers are marked insecure).
    public var allowHTTP: Bool
    /// `HOST:PORT` → where to connect instead (`--resolve`, `--connect-to`), for the HTTP
    /// sources and the probes alike.
    public var connectTo: [String: HostPort]
    /// CAs to trust instead of the system's, for https and for the SMTP checks.
    public var caFile: String?
    /// Deadline of each source, in seconds.
    public var sourceTimeout: Double
    /// Probe smtp./mail./imap./… on the usual ports.
    public var guess: Bool
    /// Check the candidates live.
    public var verify: Bool
    /// Where registrable domains end (MXBASEDOMAIN); nil: parent domains are walked.
    public var publicSuffixes: PublicSuffixList? = PublicSuffixList.system
    /// Ask the sources one after another instead of at once (for measuring what
    /// asking them at once saves).
    public var sequential = false

    /// Thunderbird's public ISPDB: DOMAIN is appended.
    public static let publicISPDB = "https://autoconfig.thunderbird.net/v1.1/"

    public init(dns: DNSResolver = .system(), ispdbBase: String? = DiscoveryOptions.publicISPDB,
                allowHTTP: Bool = false, connectTo: [String: HostPort] = [:], caFile: String? = nil,
                sourceTimeout: Double = 5, guess: Bool = true, verify: Bool = true) {
        self.dns = dns
        self.ispdbBase = ispdbBase
        self.allowHTTP = allowHTTP
        self.connectTo = connectTo
        self.caFile = caFile
        self.sourceTimeout = sourceTimeout
        self.guess = guess
        self.verify = verify
    }
}

public struct HostPort: Sendable, Hashable {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
