import HTTPKit
import Hummingbird
import MailSettings

/// Untrusted request values, checked before use. Messages never repeat the value back.
enum RequestChecks {
    /// The address from `?emailaddress=` when given, and the domain it or the Host names.
    static func addressAndDomain(_ request: Request) throws(ServiceRefusal) -> (EmailAddress?, String) {
        if let raw = request.uri.queryParameters["emailaddress"] {
            let address = try address(raw, parameter: "emailaddress")
            return (address, address.domain)
        }
        return (nil, try domain(fromHost: request.head.authority))
    }

    /// An e-mail address from a query or a body: at most 254 octets, one @, a valid
    /// domain, no control characters or spaces.
    static func address(_ raw: Substring, parameter: String) throws(ServiceRefusal) -> EmailAddress {
        let text = String(raw)
        guard !text.isEmpty, text.utf8.count <= 254 else {
            throw ServiceRefusal(.badRequest, "\(parameter) must be an e-mail address of at most 254 characters")
        }
        // Bytes, not scalars: C0 controls, space, DEL, and UTF-8's C1 controls (C2 80–9F).
        var ats = 0
        var previous: UInt8 = 0
        var clean = true
        for b in text.utf8 {
            if b <= 0x20 || b == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(b)) { clean = false; break }
            if b == UInt8(ascii: "@") { ats += 1 }
            previous = b
        }
        guard clean, ats == 1 else {
            throw ServiceRefusal(.badRequest, "\(parameter) is not an e-mail address (one @, no spaces or control characters)")
        }
        do { return try EmailAddress(text) } catch {
            throw ServiceRefusal(.badRequest, "\(parameter) is not an e-mail address: \(error.reason)")
        }
    }

    /// The mail domain a Host header stands for: `autoconfig.example.com:443` → `example.com`
    /// (likewise `autodiscover.` and `ua-auto-config.`).
    static func domain(fromHost raw: String?) throws(ServiceRefusal) -> String {
        guard var host = raw?.lowercased(), !host.isEmpty else {
            throw ServiceRefusal(.badRequest, "no address given and no Host header: add ?emailaddress=you@example.com")
        }
        if host.hasPrefix("[") { throw ServiceRefusal(.notFound, "an IP address is not a mail domain: add ?emailaddress=") }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        for prefix in ["autoconfig.", "autodiscover.", "ua-auto-config."] where host.hasPrefix(prefix) {
            host = String(host.dropFirst(prefix.count))
        }
        return try domain(host, what: "the Host header")
    }

    /// A bare domain (from a path or the Host header), lower-cased and checked.
    static func domain(_ raw: String, what: String) throws(ServiceRefusal) -> String {
        guard raw.utf8.count <= 253, let host = try? Hostname(raw.lowercased()), !host.isTemplate, !host.isIPAddress else {
            throw ServiceRefusal(.badRequest, "\(what) is not a mail domain")
        }
        return host.name
    }
}
