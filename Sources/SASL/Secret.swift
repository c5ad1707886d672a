/// A password or token. Printing, logging or dumping one shows `<redacted>`; only the
/// SASL mechanisms read the value.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
    public var isEmpty: Bool { value.isEmpty }
    /// The value, for the one place a protocol carries it outside SASL (POP3 PASS, IMAP
    /// LOGIN). Never for printing or logging.
    package var protocolText: String { value }
}
