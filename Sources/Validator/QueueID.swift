import SMTPClient

extension LiveCheck {
    /// "250 2.0.0 Ok: queued as 4F2A1C" → "4F2A1C" (Postfix, Exim "id=", and most others).
    static func queueID(in reply: SMTPReply) -> String? {
        let text = reply.text
        for marker in ["queued as ", "id=", "queued with id "] {
            if let r = text.range(of: marker, options: .caseInsensitive) {
                let id = text[r.upperBound...].prefix { !$0.isWhitespace && $0 != ")" && $0 != "," }
                if !id.isEmpty { return String(id) }
            }
        }
        return nil
    }
}
