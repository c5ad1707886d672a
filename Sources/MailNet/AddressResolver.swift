import Failures
import Foundation
import NIOCore
import NIOPosix

/// Where to connect for a host and port: every address to try, in order. Every client of
/// mailconf's (SMTP, the IMAP/POP3 probes, the https fetch) takes one, so a user's choice
/// of nameserver (`--dns-server`) and curl-like overrides (`--resolve`, `--connect-to`)
/// hold for all of them alike.
public protocol AddressResolver: Sendable {
    /// The addresses for `host`:`port` (the port may change under an override), within `timeout` seconds.
    func resolve(host: String, port: Int, timeout: Double) async throws(ResolveFailure) -> [SocketAddress]
}

/// A host name that gave no address to connect to.
public struct ResolveFailure: MailconfError, Equatable {
    public var host: String
    public var reason: String
    public init(host: String, reason: String) {
        self.host = host
        self.reason = reason
    }
    /// The stable kind for `--json`.
    public var kind: FailureKind { .dnsFailure }
    public var description: String { "cannot resolve \(host): \(reason); check the host name" }
}

extension AddressResolver {
    /// An IP literal (with or without brackets) needs no lookup.
    static func literal(_ host: String, port: Int) -> SocketAddress? {
        try? SocketAddress(ipAddress: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port)
    }
}

/// The system resolver (getaddrinfo, as /etc/nsswitch.conf says): every IPv4 and IPv6
/// address in its order, duplicates dropped.
public struct SystemResolver: AddressResolver {
    public init() {}

    public func resolve(host: String, port: Int, timeout: Double) async throws(ResolveFailure) -> [SocketAddress] {
        if let literal = Self.literal(host, port: port) { return [literal] }
        // getaddrinfo blocks, and may wait long on a slow resolver: keep it off the event
        // loops and the cooperative pool, and bounded like every other wait.
        let result: Result<[SocketAddress], ResolveFailure> = await runBlocking(
            timeout: timeout,
            onTimeout: .failure(ResolveFailure(host: host, reason: "the system resolver gave no answer within \(timeout) s"))) {
            Self.lookUp(host: host, port: port)
        }
        return try result.get()
    }

    static func lookUp(host: String, port: Int) -> Result<[SocketAddress], ResolveFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            return .failure(ResolveFailure(host: host, reason: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(first) }
        var found: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node {
            if let sa = n.pointee.ai_addr {
                switch Int32(sa.pointee.sa_family) {
                case AF_INET:
                    let v4 = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                    found.append(SocketAddress(v4, host: host))
                case AF_INET6:
                    let v6 = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                    found.append(SocketAddress(v6, host: host))
                default: break
                }
            }
            node = n.pointee.ai_next
        }
        var unique: [SocketAddress] = []
        for a in found where !unique.contains(a) { unique.append(a) }
        return .success(unique)
    }
}

/// These addresses, whatever the host: a lookup already made by the caller.
public struct FixedAddresses: AddressResolver {
    public var addresses: [String]
    public init(_ addresses: [String]) { self.addresses = addresses }

    public func resolve(host: String, port: Int, timeout: Double) async throws(ResolveFailure) -> [SocketAddress] {
        try addresses.map { a throws(ResolveFailure) in
            guard let address = Self.literal(a, port: port) else { throw ResolveFailure(host: host, reason: "\(a) is not an IP address") }
            return address
        }
    }
}

/// curl's `--resolve HOST:PORT:ADDRESS` and `--connect-to HOST:PORT:HOST2:PORT2` over
/// another resolver: a `host:port` with an override goes where it says (an address as
/// it is, a name through `base`); everything else through `base`. Certificates are still
/// checked against the host asked for: only where to connect changes.
public struct OverridingResolver: AddressResolver {
    public var base: any AddressResolver
    /// `host:port`, host lower-cased → where to connect instead.
    public var overrides: [String: (host: String, port: Int)]

    public init(base: any AddressResolver = SystemResolver(), overrides: [String: (host: String, port: Int)]) {
        self.base = base
        self.overrides = overrides
    }

    public func resolve(host: String, port: Int, timeout: Double) async throws(ResolveFailure) -> [SocketAddress] {
        guard let to = overrides["\(host.lowercased()):\(port)"] else {
            return try await base.resolve(host: host, port: port, timeout: timeout)
        }
        if let literal = Self.literal(to.host, port: to.port) { return [literal] }
        return try await base.resolve(host: to.host, port: to.port, timeout: timeout)
    }
}

/// One address a session tried, and what happened.
public struct AddressAttempt: Sendable, Equatable, Codable {
    public var address: String
    /// nil when the connection was made.
    public var error: String?
    public init(address: String, error: String?) {
        self.address = address
        self.error = error
    }
}
