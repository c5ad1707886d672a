import Foundation

/// The relay's record values with account-specific parts in braces, as the presets write
/// them: what a CNAME found must match (DKIM selectors, the return path).
enum RelayPattern {
    /// `s1.domainkey.u{ID}.wl{N}.sendgrid.net` matches `s1.domainkey.u123.wl45.sendgrid.net`.
    static func matches(_ value: String, pattern: String) -> Bool {
        let v = value.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        var regex = "^"
        var inBrace = false
        for c in pattern.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) {
            if c == "{" { inBrace = true; regex += "[a-z0-9-]*"; continue }
            if c == "}" { inBrace = false; continue }
            if inBrace { continue }
            regex += NSRegularExpression.escapedPattern(for: String(c))
        }
        return v.range(of: regex + "$", options: .regularExpression) != nil
    }
}
