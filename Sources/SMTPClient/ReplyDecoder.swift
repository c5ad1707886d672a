import MailSession

/// Bounds on what a server may send; past them the session ends with an error
/// instead of buffering without limit.
public struct SMTPLimits: Sendable, Equatable {
    /// Longest reply line, CRLF included. RFC 5321 §4.5.3.1.5 says 512; servers send more.
    public var maxLineLength: Int
    /// Most lines in one reply (EHLO lists are the longest, about 20).
    public var maxReplyLines: Int
    /// Most bytes in one reply.
    public var maxReplyBytes: Int

    public init(maxLineLength: Int = 2048, maxReplyLines: Int = 100, maxReplyBytes: Int = 64 * 1024) {
        self.maxLineLength = maxLineLength
        self.maxReplyLines = maxReplyLines
        self.maxReplyBytes = maxReplyBytes
    }

    public static let `default` = SMTPLimits()
}

/// Why bytes from a server could not be read as SMTP replies.
public enum ReplyError: Error, Equatable, Sendable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    case tooManyLines(limit: Int)
    case replyTooLarge(limit: Int)
    case malformed(line: String)
    case inconsistentCodes(first: Int, later: Int)

    public var description: String {
        switch self {
        case .lineTooLong(let limit): return "the server sent a line longer than \(limit) bytes without a line end"
        case .tooManyLines(let limit): return "the server sent a reply of more than \(limit) lines"
        case .replyTooLarge(let limit): return "the server sent a reply larger than \(limit) bytes"
        case .malformed(let line): return "the server sent a line that is not an SMTP reply: \(line)"
        case .inconsistentCodes(let first, let later):
            return "the server mixed reply codes \(first) and \(later) in one multi-line reply"
        }
    }
}

/// Turns a stream of bytes into replies. Feed it what arrives; it hands back every
/// reply completed so far and keeps the rest. Lines end in CRLF (a bare LF is
/// tolerated, as most clients do); every limit is checked before buffering more.
public struct ReplyDecoder: Sendable {
    public let limits: SMTPLimits
    private var lines: LineBuffer
    private var pendingCode: Int?
    private var pendingLines: [String] = []
    private var pendingEnhanced: EnhancedStatusCode?
    private var pendingBytes = 0

    public init(limits: SMTPLimits = .default) {
        self.limits = limits
        lines = LineBuffer(maxLineLength: limits.maxLineLength)
    }

    /// True when bytes of an unfinished line or reply are held.
    public var hasPartialData: Bool { lines.count > 0 || pendingCode != nil }

    /// Bytes received but not yet part of a complete line.
    public var bufferedByteCount: Int { lines.count }

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(ReplyError) -> [SMTPReply] {
        lines.append(bytes)
        var replies: [SMTPReply] = []
        while let (line, length) = try nextLine() {
            if let reply = try take(line, length: length) { replies.append(reply) }
        }
        return replies
    }

    private mutating func nextLine() throws(ReplyError) -> (line: [UInt8], length: Int)? {
        do { return try lines.nextLine() } catch { throw .lineTooLong(limit: error.limit) }
    }

    private mutating func take(_ line: [UInt8], length: Int) throws(ReplyError) -> SMTPReply? {
        func show() -> String { printableLine(line) }
        guard line.count >= 3, line[0...2].allSatisfy({ (0x30...0x39).contains($0) }),
              (0x32...0x35).contains(line[0]) else { throw .malformed(line: show()) }
        let code = Int(line[0] - 0x30) * 100 + Int(line[1] - 0x30) * 10 + Int(line[2] - 0x30)
        let last: Bool
        if line.count == 3 {
            last = true
        } else if line[3] == 0x20 {
            last = true
        } else if line[3] == 0x2D {
            last = false
        } else {
            throw .malformed(line: show())
        }
        if let first = pendingCode, first != code { throw .inconsistentCodes(first: first, later: code) }
        pendingBytes += length
        guard pendingBytes <= limits.maxReplyBytes else { throw .replyTooLarge(limit: limits.maxReplyBytes) }
        let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
        if pendingCode == nil {
            pendingCode = code
            pendingEnhanced = EnhancedStatusCode(prefixOf: Substring(text))
        }
        pendingLines.append(text)
        guard pendingLines.count <= limits.maxReplyLines else { throw .tooManyLines(limit: limits.maxReplyLines) }
        guard last else { return nil }
        let reply = SMTPReply(code: code, enhancedCode: pendingEnhanced, lines: pendingLines)
        pendingCode = nil
        pendingEnhanced = nil
        pendingLines = []
        pendingBytes = 0
        return reply
    }
}
