import DNSClient

/// What `domains check` found for one domain: one finding per record or URL a mail client
/// looks at, each with the zone-file line that fixes it when something is missing or
/// wrong.
public struct DomainReport: Sendable, Codable, Equatable {
    public var domain: String
    /// The catalog provider the domain is served as.
    public var provider: String
    public var findings: [DomainFinding]

    /// Nothing to fix (notes are not failures).
    public var ok: Bool { !findings.contains { $0.status == .fix } }
}

public struct DomainFinding: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Present and right.
        case ok
        /// Missing or wrong: a client will not find the settings, or find others.
        case fix
        /// Worth knowing, not wrong (an optional record that is absent).
        case note
    }

    /// The record or URL: `autoconfig.example.org`, `_imaps._tcp.example.org`, an https URL.
    public var name: String
    public var status: Status
    public var detail: String
    /// The zone-file line to add (or the one to put in the place of what is there).
    public var zoneLine: String?

    public init(_ name: String, _ status: Status, _ detail: String, zoneLine: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.zoneLine = zoneLine
    }
}

/// Zone-file lines (RFC 1035 master-file form), absolute names, one hour's TTL.
enum ZoneLine {
    static func absolute(_ name: String) -> String { name.hasSuffix(".") ? name : name + "." }

    /// A CNAME to a host name, or an A/AAAA record for an address.
    static func pointer(_ name: String, to server: String) -> String {
        guard DNSResolver.isIPAddress(server) else { return "\(absolute(name)) 3600 IN CNAME \(absolute(server))" }
        return "\(absolute(name)) 3600 IN \(server.contains(":") ? "AAAA" : "A") \(server)"
    }

    static func srv(_ name: String, port: Int, target: String, priority: Int = 0, weight: Int = 1) -> String {
        "\(absolute(name)) 3600 IN SRV \(priority) \(weight) \(port) \(absolute(target))"
    }

    /// A TXT record of one string (the text holds no quote or backslash).
    static func txt(_ name: String, _ text: String) -> String {
        "\(absolute(name)) 3600 IN TXT \"\(text)\""
    }

    static func mx(_ domain: String, exchange: String) -> String {
        "\(absolute(domain)) 3600 IN MX 10 \(absolute(exchange))"
    }
}
