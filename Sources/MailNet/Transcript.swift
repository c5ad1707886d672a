import Foundation

/// Every line sent and received in a session (SMTP, IMAP, POP3), with time and phase.
/// Credentials never enter it: each protocol client records its login commands and the
/// server's challenges redacted.
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

    /// The transcript as `C:`/`S:` lines for people.
    public var text: String {
        entries.map { e in
            let who = e.direction == .sent ? "C:" : e.direction == .received ? "S:" : "--"
            return String(format: "%7.3f %@ [%@] %@", e.time, who, e.phase, e.text)
        }.joined(separator: "\n")
    }
}
