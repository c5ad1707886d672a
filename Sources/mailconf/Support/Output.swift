import Foundation

enum Output {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func fail(_ error: CLIError, json: Bool) {
        if json {
            struct Wrapper: Encodable { var error: CLIError }
            print(encode(Wrapper(error: error)))
        }
        standardError("error: \(error.message)\n")
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }()

    static func encode<T: Encodable>(_ value: T) -> String {
        String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    static func json<T: Encodable>(_ value: T) {
        print(encode(value))
    }

    /// Left-aligned columns separated by two spaces; no trailing spaces.
    static func table(_ header: [String], _ rows: [[String]], indent: String = "") -> String {
        let widths = header.indices.map { i in ([header[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var out = indent
            for (i, cell) in cells.enumerated() {
                out += cell
                if i < cells.count - 1 { out += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            while out.last == " " { out.removeLast() }
            return out
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
