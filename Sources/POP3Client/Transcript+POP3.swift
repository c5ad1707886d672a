import MailNet

/// POP3 commands and responses in the shared transcript: PASS, AUTH data and SASL
/// challenges redacted.
extension Transcript {
    public mutating func sent(_ command: POP3Command, phase: String) {
        record(.sent, command.redacted, phase: phase)
    }

    /// Records a response: its status line, then a multi-line body's lines. A SASL
    /// challenge's text is always redacted, since some mechanisms echo account details.
    public mutating func received(_ response: POP3Response, phase: String) {
        record(.received, response.status == .continuation ? "+ <redacted>" : response.statusLine, phase: phase)
        for line in response.lines { record(.received, line, phase: phase) }
    }
}
