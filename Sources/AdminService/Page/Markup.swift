/// HTML that is safe by construction: the literal parts of a `Markup` string are the
/// page's own markup, and every interpolated value is escaped, unless it is itself
/// `Markup`. So a domain, a hostname or a server's reply can only ever show as text.
struct Markup: ExpressibleByStringInterpolation, Sendable, Equatable {
    private(set) var html: String

    init(stringLiteral value: String) { html = value }
    init(stringInterpolation: Interpolation) { html = stringInterpolation.html }
    private init(raw: String) { html = raw }

    static let empty = Markup(raw: "")

    /// Markup pieces one after another.
    static func join(_ parts: [Markup]) -> Markup { Markup(raw: parts.map(\.html).joined()) }

    struct Interpolation: StringInterpolationProtocol {
        var html = ""
        init(literalCapacity: Int, interpolationCount: Int) { html.reserveCapacity(literalCapacity + 16 * interpolationCount) }
        mutating func appendLiteral(_ literal: String) { html += literal }
        /// Text: escaped.
        mutating func appendInterpolation(_ text: some StringProtocol) { html += Markup.escape(text) }
        mutating func appendInterpolation(_ number: some BinaryInteger) { html += String(number) }
        /// Markup: as it is.
        mutating func appendInterpolation(_ markup: Markup) { html += markup.html }
        mutating func appendInterpolation(_ parts: [Markup]) { for part in parts { html += part.html } }
    }

    /// The five characters that can end text or an attribute value, or start an entity,
    /// written as entities; everything else as it is.
    static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
