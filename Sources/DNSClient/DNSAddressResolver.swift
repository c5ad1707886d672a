import MailNet
import NIOCore

/// mailconf's own resolver as the address resolver of every client, so `--dns-server`
/// holds for connections too: A and AAAA from the chosen nameserver, IPv4 first.
extension DNSResolver: AddressResolver {
    public func resolve(host: String, port: Int, timeout: Double) async throws(ResolveFailure) -> [SocketAddress] {
        let bare = host.trimmingCharacters(in: ["[", "]"])
        if Self.isIPAddress(bare), let literal = try? SocketAddress(ipAddress: bare, port: port) { return [literal] }
        var resolver = self
        resolver.timeout = min(self.timeout, timeout)
        let found: [String]
        do { found = try await resolver.addresses(host) } catch {
            throw ResolveFailure(host: host, reason: error.message)
        }
        let addresses = found.compactMap { try? SocketAddress(ipAddress: $0, port: port) }
        guard !addresses.isEmpty else {
            throw ResolveFailure(host: host, reason: "the DNS server \(server):\(self.port) has no A or AAAA record for it")
        }
        return addresses
    }
}
