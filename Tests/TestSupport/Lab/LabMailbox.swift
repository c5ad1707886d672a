import Foundation

extension LabServers {
    /// The lab mailbox's message that contains `marker`, waiting up to `seconds` for
    /// Postfix to deliver it: in new/, or in cur/ once a POP3 or IMAP login (another
    /// test) has opened the mailbox.
    public func deliveredMessage(containing marker: String, within seconds: Double = 20) async -> String? {
        // The mailbox is looked at once more after the deadline: a test process whose
        // threads were busy may wake only after it, and that look must still count.
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let pastDeadline = Date() >= deadline
            for dir in ["new", "cur"].map({ maildir.appendingPathComponent($0) }) {
                let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
                for file in files {
                    if let text = try? String(contentsOf: file, encoding: .utf8), text.contains(marker) { return text }
                }
            }
            if pastDeadline { return nil }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
