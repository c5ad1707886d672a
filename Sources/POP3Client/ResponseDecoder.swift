import MailSession

/// Bounds on what a server may send; past them the session ends with an error instead
/// of buffering without limit.
public struct POP3Limits: Sendable, Equatable {
    /// Longest line, CRLF included. RFC 2449 §4 says 512 octets for a response; servers
    /// send longer greetings and SASL challenges, so some slack, but bounded.
    public var maxLineLength: Int
    /// Most lines in one multi-line response (a CAPA list has about a dozen).
    public var maxResponseLines: Int
    /// Most bytes in one multi-line response.
    public var maxResponseBytes: Int

    public init(maxLineLength: Int = 8 * 1024, maxResponseLines: Int = 1000, maxResponseBytes: Int = 256 * 1024) {
        self.maxLineLength = maxLineLength
        self.maxResponseLines = maxResponseLines
        self.maxResponseBytes = maxResponseBytes
    }

    public static let `default` = POP3Limits()
}

/// Whether the next response is one line, one line plus a body ending in a lone `.`
/// (after `+OK`; a `-ERR` is always one line), or a step of a SASL exchange. POP3 does
/// not say so itself: the command asked for decides.
public enum POP3ResponseForm: Sendable, Equatable {
    case singleLine
    case multiLine
    case sasl
}

/// Why bytes from a server could not be read as POP3 responses.
public enum POP3ResponseError: Error, Equatable, Sendable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    case tooManyLines(limit: Int)
    case responseTooLarge(limit: Int)
    case malformed(line: String)
    /// Bytes that arrived when no response was owed.
    case unsolicited(bytes: Int)

    public var description: String {
        switch self {
        case .lineTooLong(let limit): return "the server sent a line longer than \(limit) bytes without a line end"
        case .tooManyLines(let limit): return "the server sent a multi-line response of more than \(limit) lines"
        case .responseTooLarge(let limit): return "the server sent a multi-line response larger than \(limit) bytes"
        case .malformed(let line): return "the server sent a line that is not a POP3 status line (+OK or -ERR): \(line)"
        case .unsolicited(let n): return "the server sent \(n) bytes nobody asked for"
        }
    }
}

/// Turns a stream of bytes into responses. Say which form each response takes
/// (``expect(_:)``), in order, then feed it what arrives; it hands back every response
/// completed so far and keeps the rest. Bytes beyond what was expected stay buffered
/// (``bufferedByteCount``) for the caller to judge. Lines end in CRLF (a bare LF is
/// tolerated); every bound is checked before buffering more.
public struct POP3ResponseDecoder: Sendable {
    public let limits: POP3Limits
    private var lines: LineBuffer
    private var expected: [POP3ResponseForm] = []
    private var pending: POP3Response?
    private var pendingBytes = 0

    public init(limits: POP3Limits = .default) {
        self.limits = limits
        lines = LineBuffer(maxLineLength: limits.maxLineLength)
    }

    /// The next response (after those already expected) takes this form.
    public mutating func expect(_ form: POP3ResponseForm) { expected.append(form) }

    /// True while a response is owed.
    public var isExpecting: Bool { !expected.isEmpty }

    /// True when bytes of an unfinished line or response are held.
    public var hasPartialData: Bool { lines.count > 0 || pending != nil }

    /// Bytes received but not yet part of a response.
    public var bufferedByteCount: Int { lines.count }

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(POP3ResponseError) -> [POP3Response] {
        lines.append(bytes)
        var responses: [POP3Response] = []
        // Only while a response is owed: bytes nobody asked for stay held, for the caller
        // to judge (``bufferedByteCount``).
        while let form = expected.first, let (line, length) = try nextLine() {
            if let response = try take(line, length: length, form: form) {
                responses.append(response)
                expected.removeFirst()
            }
        }
        return responses
    }

    private mutating func nextLine() throws(POP3ResponseError) -> (line: [UInt8], length: Int)? {
        do { return try lines.nextLine() } catch { throw .lineTooLong(limit: error.limit) }
    }

    private mutating func take(_ line: [UInt8], length: Int, form: POP3ResponseForm) throws(POP3ResponseError) -> POP3Response? {
        if var body = pending {
            pendingBytes += length
            guard pendingBytes <= limits.maxResponseBytes else { throw .responseTooLarge(limit: limits.maxResponseBytes) }
            if line == [0x2E] {
                pending = nil
                pendingBytes = 0
                return body
            }
            // RFC 1939 §3: a line of the body that starts with a dot had one more put in front.
            let unstuffed = line.first == 0x2E ? line.dropFirst() : line[...]
            body.lines.append(String(decoding: unstuffed, as: UTF8.self))
            guard body.lines.count <= limits.maxResponseLines else { throw .tooManyLines(limit: limits.maxResponseLines) }
            pending = body
            return nil
        }
        guard let response = Self.statusLine(line, sasl: form == .sasl) else {
            throw .malformed(line: printableLine(line))
        }
        if response.status == .ok && form == .multiLine {
            pending = response
            pendingBytes = length
            return nil
        }
        return response
    }

    /// `+OK text`, `-ERR text`, and in a SASL exchange `+ challenge` (or a bare `+`).
    static func statusLine(_ line: [UInt8], sasl: Bool) -> POP3Response? {
        func indicator(_ word: String) -> String? {
            let w = Array(word.utf8)
            guard line.count >= w.count, zip(line, w).allSatisfy({ Self.upper($0) == $1 }) else { return nil }
            if line.count == w.count { return "" }
            guard line[w.count] == 0x20 else { return nil }
            return String(decoding: line[(w.count + 1)...], as: UTF8.self)
        }
        if let text = indicator("+OK") { return POP3Response(status: .ok, text: text) }
        if let text = indicator("-ERR") { return POP3Response(status: .err, text: text) }
        if sasl, let text = indicator("+") { return POP3Response(status: .continuation, text: text) }
        return nil
    }

    private static func upper(_ b: UInt8) -> UInt8 { (0x61...0x7A).contains(b) ? b - 0x20 : b }
}
