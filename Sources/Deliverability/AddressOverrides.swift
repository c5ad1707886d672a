import DNSClient
import WebFetch

extension HTTPFetch {
    /// This fetch, connecting to `host:port` at the address mailconf's own resolver finds
    /// (the nameserver given with --dns-server, not the system's), unless a --connect-to
    /// override already says where to connect. When the resolver finds no address, the
    /// fetch is left as it was. The one place the deliverability check applies its resolver
    /// to a fetch: the MTA-STS policy's host.
    func resolving(_ host: String, port: Int, with dns: DNSResolver) async -> HTTPFetch {
        var fetch = self
        if fetch.overrides["\(host):\(port)"] == nil, let address = try? await dns.addresses(host).first {
            fetch.overrides["\(host):\(port)"] = (address, port)
        }
        return fetch
    }
}
