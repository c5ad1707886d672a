import MailNet

/// SMTP commands and replies in the shared transcript: AUTH lines redacted.
extension Transcript {
    public mutating func sent(_ command: SMTPCommand, phase: String) {
        record(.sent, command.redacted, phase: phase)
    }

    /// Records a reply; during authentication a 334 challenge's text is redacted, since
    /// some mechanisms (XOAUTH2 errors, LOGIN prompts aside) echo account details.
    public mutating func received(_ reply: SMTPReply, phase: String, redactChallenge: Bool = false) {
        for (i, line) in reply.lines.enumerated() {
            let separator = i == reply.lines.count - 1 ? " " : "-"
            let text = redactChallenge && reply.code == 334 ? "<redacted>" : line
            record(.received, "\(reply.code)\(separator)\(text)", phase: phase)
        }
    }
}
