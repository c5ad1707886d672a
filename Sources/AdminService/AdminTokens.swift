import Crypto
import Failures
import Foundation

/// The admin API's bearer tokens, read from `--admin-token-file` at start: one per line,
/// `LABEL:TOKEN` (the label names who changed what in the catalog's history; a line
/// without one is labelled `token-N`). Only their SHA-256 is kept; a presented token
/// is hashed and compared with every one in constant time.
public struct AdminTokens: Sendable {
    struct Entry: Sendable {
        var label: String
        var digest: [UInt8]
    }
    let entries: [Entry]

    /// The shortest token taken: 128 bits as hex.
    public static let shortest = 32

    public enum Problem: Error, CustomStringConvertible {
        case file(String, String)
        public var description: String {
            switch self { case .file(let path, let why): return "--admin-token-file \(path): \(why)" }
        }
    }

    /// Reads the file: only its owner may read it, at most 64 KiB, at least one token.
    public init(file path: String) throws(Problem) {
        let data: Data
        do { data = try PrivateFile.read(path, limit: 65_536) } catch { throw .file(path, error.description) }
        try self.init(text: String(decoding: data, as: UTF8.self), source: path)
    }

    init(text: String, source: String) throws(Problem) {
        var entries: [Entry] = []
        var labels = Set<String>()
        for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            var label = "token-\(n + 1)"
            var token = Substring(line)
            if let colon = line.firstIndex(of: ":") {
                label = String(line[..<colon])
                token = line[line.index(after: colon)...]
            }
            guard label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@".contains($0)) }), !label.isEmpty else {
                throw .file(source, "line \(n + 1): a label is letters, digits, '-', '_', '.' or '@'")
            }
            guard token.count >= Self.shortest, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw .file(source, "line \(n + 1) (\(label)): a token is at least \(Self.shortest) visible ASCII characters (openssl rand -hex 32)")
            }
            guard labels.insert(label).inserted else { throw .file(source, "line \(n + 1): the label '\(label)' is used twice") }
            entries.append(Entry(label: label, digest: Array(SHA256.hash(data: Array(token.utf8)))))
        }
        guard !entries.isEmpty else { throw .file(source, "holds no token") }
        self.entries = entries
    }

    /// The label of the token presented, or nil. Every entry is compared, whole, so the
    /// time taken does not tell which one nearly matched.
    public func label(for presented: Substring) -> String? {
        let digest = Array(SHA256.hash(data: Array(presented.utf8)))
        var found: String?
        for entry in entries where ConstantTime.equal(digest, entry.digest) { found = entry.label }
        return found
    }
}
