import Foundation
import HTTPKit
import Hummingbird

/// A posted form (`application/x-www-form-urlencoded`), read within the body cap, as
/// UTF-8 text. A field may come more than once (a multiple select).
struct PageForm: Sendable {
    var fields: [String: [String]]

    /// The field's first value, as sent.
    subscript(_ name: String) -> String? { fields[name]?.first }

    /// The field's first value, trimmed; nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every value of the field, trimmed, empty ones left out.
    func values(_ name: String) -> [String] {
        (fields[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    init(fields: [String: [String]]) { self.fields = fields }

    static func read(_ request: Request) async throws(ServiceRefusal) -> PageForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw ServiceRefusal(.unsupportedMediaType,
                                 "the page's forms are sent as application/x-www-form-urlencoded, not '\(type)'")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: AdminAPI.largestBody) } catch {
            throw ServiceRefusal(.contentTooLarge, "a form is at most \(AdminAPI.largestBody) bytes")
        }
        return try parse(String(buffer: buffer))
    }

    static func parse(_ body: String) throws(ServiceRefusal) -> PageForm {
        var fields: [String: [String]] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw ServiceRefusal(.badRequest, "the form has a field that is not percent-encoded UTF-8")
            }
            fields[name, default: []].append(value)
        }
        return PageForm(fields: fields)
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
