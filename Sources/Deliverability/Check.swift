/// One finding: pass, warn or fail, why, and the record that would fix it.
public struct Check: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case pass, warn, fail }
    /// Stable id: `spf-present`, `spf-include`, `dkim-s1`, `dmarc-policy`, …
    public var id: String
    public var status: Status
    public var message: String
    /// The DNS record to add or change, ready to paste (`NAME TYPE VALUE`).
    public var record: String?
    /// The rule the check follows (an RFC section or a mailbox provider's page).
    public var reference: String?

    public init(_ id: String, _ status: Status, _ message: String, record: String? = nil, reference: String? = nil) {
        self.id = id
        self.status = status
        self.message = message
        self.record = record
        self.reference = reference
    }
}
