/// The line framing the three readers share: bytes go in as they arrive, complete lines
/// come out one at a time without their end (CRLF; a bare LF is tolerated, as most
/// clients do), and a line longer than the bound is refused before more is buffered.
package struct LineBuffer: Sendable {
    package let maxLineLength: Int
    private var bytes: [UInt8] = []
    /// How far the search for a line end has already looked.
    private var scanned = 0

    package init(maxLineLength: Int) {
        self.maxLineLength = maxLineLength
    }

    /// A line ran past the bound without its end.
    package struct LineTooLong: Error {
        package var limit: Int
    }

    /// Bytes received and not yet taken.
    package var count: Int { bytes.count }

    package mutating func append(_ more: some Sequence<UInt8>) { bytes.append(contentsOf: more) }

    /// The next complete line and the bytes it took (its end included), or nil when no
    /// line is complete yet; then what is held is one unfinished line, refused when it
    /// has reached the bound.
    package mutating func nextLine() throws(LineTooLong) -> (line: [UInt8], length: Int)? {
        guard let newline = bytes[scanned...].firstIndex(of: 0x0A) else {
            scanned = bytes.count
            if bytes.count >= maxLineLength { throw LineTooLong(limit: maxLineLength) }
            return nil
        }
        guard newline + 1 <= maxLineLength else { throw LineTooLong(limit: maxLineLength) }
        var end = newline
        if end > 0, bytes[end - 1] == 0x0D { end -= 1 }
        let line = Array(bytes[0..<end])
        bytes.removeFirst(newline + 1)
        scanned = 0
        return (line, newline + 1)
    }

    /// Up to `count` bytes as they are (an IMAP literal), from the front.
    package mutating func takeRaw(_ count: Int) -> [UInt8] {
        let taken = Array(bytes.prefix(count))
        bytes.removeFirst(taken.count)
        scanned = 0
        return taken
    }
}

/// A server's line as text fit for an error message: bytes outside printable ASCII
/// escaped (`\x0D`), at most 120 characters.
package func printableLine(_ bytes: [UInt8]) -> String {
    var out = ""
    for b in bytes.prefix(120) {
        switch b {
        case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(b))
        default: out += "\\x" + String(b, radix: 16, uppercase: true)
        }
    }
    return bytes.count > 120 ? out + "…" : out
}
