import Foundation

/// A tag-list (RFC 6376 section 3.2), the syntax DKIM keys and DMARC records share:
/// `tag=value` pairs separated by `;`. Whitespace around a tag's name and its value is
/// not part of either, and an empty piece (a trailing `;`, or `;;`) is no tag. Tags keep
/// their order and their repeats, and a piece without `=` is kept too: what a repeat or a
/// stray word means differs (a DKIM key takes the last, DMARC names every bad tag), so
/// each reader decides.
struct TagValueList: Sendable {
    struct Tag: Sendable, Equatable {
        /// The piece as written, whitespace trimmed: for a message that quotes it.
        var text: String
        /// Before the first `=`, as written (RFC 6376 compares tag names case-sensitively;
        /// a reader that does not lowercases them itself).
        var name: String
        /// After the first `=` (empty for `p=`); nil when the piece has no `=`.
        var value: String?
    }

    var tags: [Tag]

    init(_ text: String) {
        tags = text.split(separator: ";").compactMap { piece in
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { return nil }
            guard let eq = trimmed.firstIndex(of: "=") else { return Tag(text: trimmed, name: trimmed, value: nil) }
            return Tag(text: trimmed, name: trimmed[..<eq].trimmingCharacters(in: .whitespaces),
                       value: trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces))
        }
    }
}
