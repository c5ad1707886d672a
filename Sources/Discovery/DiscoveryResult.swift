import MailSettings

/// What one source said, and how long it took.
public struct SourceOutcome: Sendable, Codable {
    public var source: SourceID
    /// The URL or DNS name asked.
    public var asked: String
    public var ok: Bool
    public var message: String
    public var seconds: Double
    public var found: Int
    /// An answer over plain http, which anyone on the path could have changed.
    public var insecure: Bool = false
    /// How the source went about it, for --verbose (the MX source: the public suffix
    /// list used, or its absence).
    public var note: String?
}

/// One setting found, with where it came from and what the live check said.
public struct Candidate: Sendable, Codable {
    public var setting: ServerSetting
    public var source: SourceID
    public var score: Int
    /// nil when not checked; true when it connected, did TLS as set and spoke the protocol.
    public var verified: Bool?
    public var check: String?
}

public struct DiscoveryResult: Sendable, Codable {
    public var address: String
    public var domain: String
    public var sources: [SourceOutcome]
    /// Best first.
    public var candidates: [Candidate]
    /// The best verified incoming and outgoing settings as a provider, ready to export.
    public var provider: Provider?
    /// Until every source had answered or given up.
    public var sourcesSeconds: Double
    /// Including the live checks.
    public var totalSeconds: Double
}
