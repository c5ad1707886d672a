import Foundation

/// Every line sent and received in a session, with time and phase. Credentials never
/// enter it: AUTH lines are recorded redacted, and so are the server's AUTH challenges.
public struct Transcript: Sendable, Equatable, Codable {
    public enum Direction: String, Sendable, Codable { case sent, received, note }
    public struct Entry: Sendable, Equatable, Codable {
        /// Seconds since the session started.
        public var time: Double
        public var phase: String
        public var direction: Direction
        public var text: String
    }

    public private(set) var entries: [Entry] = []
    let start: Date

    public init(start: Date = Date()) {
        self.start = start
    }

    public mutating func record(_ direction: Direction, _ text: String, phase: String, at time: Date = Date()) {
        entries.append(Entry(time: time.timeIntervalSince(start), phase: phase, direction: direction, text: text))
    }

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

    /// The transcript as `C:`/`S:` lines for people.
    public var text: String {
        entries.map { e in
            let who = e.direction == .sent ? "C:" : e.direction == .received ? "S:" : "--"
            return String(format: "%7.3f %@ [%@] %@", e.time, who, e.phase, e.text)
        }.joined(separator: "\n")
    }
}
