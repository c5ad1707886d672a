/// What `mailconf deliverability` found for one domain, as the command prints it and as --json.
public struct DeliverabilityReport: Sendable, Codable {
    public var domain: String
    public var provider: String?
    public var checks: [Check]
    /// DNS queries sent (answers are cached, so a name is asked once).
    public var queries: Int
    public var seconds: Double
    public var spf: SPFResult?
    public var dmarc: DMARCRecord?

    public var worst: Check.Status {
        checks.contains { $0.status == .fail } ? .fail : checks.contains { $0.status == .warn } ? .warn : .pass
    }
}
