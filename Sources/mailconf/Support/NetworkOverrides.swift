import ArgumentParser
import DNSClient

/// The options of the commands that ask DNS and connect to what it names (discover,
/// domains check): the nameserver, curl-like overrides, and the CAs to trust.
struct NetworkOptions: ParsableArguments {
    @Option(name: .customLong("dns-server"), help: "Ask this nameserver (IP[:PORT]) instead of the system's.")
    var dnsServer: String?

    @Option(name: .customLong("resolve"), help: "HOST:PORT:ADDRESS — connect there for HOST:PORT (like curl). Repeatable.")
    var resolve: [String] = []

    @Option(name: .customLong("connect-to"), help: "HOST:PORT:CONNECT-HOST:CONNECT-PORT (like curl). Repeatable.")
    var connectTo: [String] = []

    @Option(name: .customLong("ca-file"), help: "Trust only the CAs in this PEM file (for https and TLS checks).")
    var caFile: String?

    func resolver(timeout: Double) throws -> DNSResolver { try NetworkOverrides.resolver(dnsServer, timeout: timeout) }

    /// `host:port` (lower-cased) → where to connect instead.
    func overrides() throws -> [String: (host: String, port: Int)] { try NetworkOverrides.parse(resolve: resolve, connectTo: connectTo) }
}

/// What `discover` and `deliverability` share: the nameserver to ask, and curl-like
/// `--resolve HOST:PORT:ADDRESS` / `--connect-to HOST:PORT:HOST2:PORT2` overrides.
enum NetworkOverrides {
    static func resolver(_ dnsServer: String?, timeout: Double) throws -> DNSResolver {
        guard let dnsServer else { return .system(timeout: timeout) }
        do { return try DNSResolver(parsing: dnsServer, timeout: timeout) } catch {
            throw ValidationError("--dns-server \(dnsServer): \(error.message)")
        }
    }

    /// `host:port` (lower-cased) → where to connect instead.
    static func parse(resolve: [String] = [], connectTo: [String]) throws -> [String: (host: String, port: Int)] {
        var map: [String: (host: String, port: Int)] = [:]
        for r in resolve {
            let parts = r.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, let port = Int(parts[1]), !parts[2].isEmpty else {
                throw ValidationError("--resolve \(r): expected HOST:PORT:ADDRESS, e.g. autoconfig.example.org:443:127.0.0.1")
            }
            map["\(parts[0].lowercased()):\(port)"] = (parts[2].trimmingCharacters(in: ["[", "]"]), port)
        }
        for c in connectTo {
            let parts = c.split(separator: ":").map(String.init)
            guard parts.count == 4, let port = Int(parts[1]), let to = Int(parts[3]) else {
                throw ValidationError("--connect-to \(c): expected HOST:PORT:CONNECT-HOST:CONNECT-PORT, e.g. example.org:443:127.0.0.1:8443")
            }
            map["\(parts[0].lowercased()):\(port)"] = (parts[2], to)
        }
        return map
    }
}
