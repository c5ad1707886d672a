import Foundation

/// The message `verify --send-test-to` sends.
extension LiveCheck {
    /// "Sun, 29 Nov 2026 07:04:55 +0000" (RFC 5322 section 3.3), in UTC whatever the local zone.
    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 0)
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }

    static func testMessage(from sender: String, to recipients: [String]) -> [UInt8] {
        let now = Date()
        let date = rfc5322Date(now)
        let id = "\(UUID().uuidString.lowercased())@mailconf.invalid"
        let text = """
        From: <\(sender)>\r
        To: \(recipients.map { "<\($0)>" }.joined(separator: ", "))\r
        Date: \(date)\r
        Message-ID: <\(id)>\r
        Subject: mailconf test message \(now.formatted(.iso8601))\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        This message was sent by mailconf verify to check these settings.\r

        """
        return Array(text.utf8)
    }
}
