import MailNet

/// IMAP commands and responses in the shared transcript: LOGIN's arguments, AUTHENTICATE's
/// responses and the server's challenges redacted.
extension Transcript {
    public mutating func sent(_ command: IMAPCommand, phase: String) {
        record(.sent, command.redacted, phase: phase)
    }

    /// Records a reply; during authentication a continuation's challenge is redacted.
    public mutating func received(_ reply: IMAPReply, phase: String, redactChallenge: Bool = false) {
        for response in reply.untagged + [reply.final] {
            if redactChallenge, case .continuation = response.kind {
                record(.received, "+ <redacted>", phase: phase)
            } else {
                record(.received, response.line, phase: phase)
            }
        }
    }
}
