import Foundation
import MailNet
import NIOCore
import NIOPosix

/// Looks up every IPv4 and IPv6 address of a host, in the system resolver's order, so
/// a session can report them all and try the next when one fails.
enum Resolver {
    static func addresses(host: String, port: Int, timeout: Double) async throws(SMTPClientError) -> [SocketAddress] {
        // A literal needs no lookup.
        if let literal = try? SocketAddress(ipAddress: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port) {
            return [literal]
        }
        // getaddrinfo blocks, and may wait long on a slow resolver: keep it off the event
        // loops and the cooperative pool, and bounded like every other wait.
        let result: Result<[SocketAddress], SMTPClientError> = await runBlocking(
            timeout: timeout,
            onTimeout: .failure(.dnsFailure(host: host, reason: "the system resolver gave no answer within \(timeout) s"))) {
            lookUp(host: host, port: port)
        }
        return try result.get()
    }

    private static func lookUp(host: String, port: Int) -> Result<[SocketAddress], SMTPClientError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            return .failure(.dnsFailure(host: host, reason: String(cString: gai_strerror(status))))
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

/// One address a session tried, and what happened.
public struct AddressAttempt: Sendable, Equatable, Codable {
    public var address: String
    /// nil when the connection was made.
    public var error: String?
}
