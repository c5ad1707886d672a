import MailSession

/// Bounds on what a server may send; past them the session ends with an error instead
/// of buffering without limit.
public struct IMAPLimits: Sendable, Equatable {
    /// Longest line (each piece between literals), CRLF included.
    public var maxLineLength: Int
    /// Largest literal (`{n}`) accepted; a larger announcement is an error, not an allocation.
    public var maxLiteralSize: Int
    /// Most bytes in everything that answers one command (untagged responses included).
    public var maxResponseBytes: Int
    /// Most untagged responses before one command's tagged response.
    public var maxUntaggedResponses: Int

    public init(maxLineLength: Int = 8192, maxLiteralSize: Int = 64 * 1024, maxResponseBytes: Int = 256 * 1024,
                maxUntaggedResponses: Int = 1000) {
        self.maxLineLength = maxLineLength
        self.maxLiteralSize = maxLiteralSize
        self.maxResponseBytes = maxResponseBytes
        self.maxUntaggedResponses = maxUntaggedResponses
    }

    public static let `default` = IMAPLimits()
}

/// Why bytes from a server could not be read as IMAP responses.
public enum IMAPResponseError: Error, Equatable, Sendable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    case literalTooLarge(announced: String, limit: Int)
    case responseTooLarge(limit: Int)
    case tooManyUntagged(limit: Int)
    case malformed(line: String)

    public var description: String {
        switch self {
        case .lineTooLong(let limit): return "the server sent a line longer than \(limit) bytes without a line end"
        case .literalTooLarge(let n, let limit): return "the server announced a literal of \(n) bytes (at most \(limit) accepted)"
        case .responseTooLarge(let limit): return "the server sent more than \(limit) bytes in answer to one command"
        case .tooManyUntagged(let limit): return "the server sent more than \(limit) untagged responses to one command"
        case .malformed(let line): return "the server sent a line that is not an IMAP response: \(line)"
        }
    }
}

/// Turns a stream of bytes into responses. Feed it what arrives; it hands back every
/// response completed so far and keeps the rest. Lines end in CRLF (a bare LF is
/// tolerated); a line ending in `{n}` is followed by n bytes of literal, then the rest
/// of the response. Every limit is checked before buffering more.
public struct ResponseDecoder: Sendable {
    public let limits: IMAPLimits
    private var lines: LineBuffer
    /// The current response's text so far, and its literals.
    private var text: [UInt8] = []
    private var literals: [[UInt8]] = []
    private var literalRemaining: Int?
    /// Counted since the last tagged response or continuation request.
    private var bytesSinceTagged = 0
    private var untaggedSinceTagged = 0

    public init(limits: IMAPLimits = .default) {
        self.limits = limits
        lines = LineBuffer(maxLineLength: limits.maxLineLength)
    }

    /// True when bytes of an unfinished line or response are held.
    public var hasPartialData: Bool { lines.count > 0 || !text.isEmpty || literalRemaining != nil }

    /// Bytes received but not yet part of a complete response.
    public var bufferedByteCount: Int { lines.count + text.count + literals.reduce(0) { $0 + $1.count } }

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(IMAPResponseError) -> [IMAPResponse] {
        lines.append(bytes)
        var responses: [IMAPResponse] = []
        while true {
            if let remaining = literalRemaining {
                let taken = min(remaining, lines.count)
                try count(taken)
                literals[literals.count - 1] += lines.takeRaw(taken)
                literalRemaining = remaining - taken == 0 ? nil : remaining - taken
                if literalRemaining != nil { break }
            }
            let next: (line: [UInt8], length: Int)?
            do { next = try lines.nextLine() } catch { throw .lineTooLong(limit: error.limit) }
            guard let (piece, length) = next else { break }
            try count(length)
            text += piece
            if let size = try literalSize(at: piece) {
                literals.append([])
                literals[literals.count - 1].reserveCapacity(size)
                literalRemaining = size == 0 ? nil : size
                continue
            }
            let response = try ResponseParser.parse(Self.printable(text), literals: literals)
            text = []
            literals = []
            if case .status(let tag, _, _, _) = response.kind, tag != nil {
                resetCounts()
            } else if case .continuation = response.kind {
                resetCounts()
            } else {
                untaggedSinceTagged += 1
                guard untaggedSinceTagged <= limits.maxUntaggedResponses else {
                    throw .tooManyUntagged(limit: limits.maxUntaggedResponses)
                }
            }
            responses.append(response)
        }
        return responses
    }

    /// Counts bytes of lines and literals as they are taken, so that the bound on one
    /// command's answer holds however the network splits it, before a literal is kept.
    private mutating func count(_ taken: Int) throws(IMAPResponseError) {
        bytesSinceTagged += taken
        guard bytesSinceTagged <= limits.maxResponseBytes else { throw .responseTooLarge(limit: limits.maxResponseBytes) }
    }

    private mutating func resetCounts() {
        bytesSinceTagged = 0
        untaggedSinceTagged = 0
    }

    /// The size of the literal a line piece announces at its end (`{n}`; `{n+}` as well),
    /// checked against the limit before anything is allocated.
    private func literalSize(at piece: [UInt8]) throws(IMAPResponseError) -> Int? {
        guard piece.last == UInt8(ascii: "}"), let open = piece.lastIndex(of: UInt8(ascii: "{")) else { return nil }
        var digits = piece[(open + 1)..<(piece.count - 1)]
        if digits.last == UInt8(ascii: "+") { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let shown = String(decoding: digits, as: UTF8.self)
        // More digits than the limit has cannot fit: no arithmetic on them at all.
        guard digits.count <= String(limits.maxLiteralSize).count, let size = Int(shown), size <= limits.maxLiteralSize else {
            throw .literalTooLarge(announced: shown, limit: limits.maxLiteralSize)
        }
        return size
    }

    /// A line as text fit for an error message or the transcript: control bytes escaped.
    static func printable(_ bytes: [UInt8]) -> String {
        var out = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
