import Failures
import Foundation
import MailNet
#if canImport(Glibc)
import Glibc
#endif

public struct DNSError: MailconfError, Equatable {
    public var kind: FailureKind
    public var name: String
    public var message: String

    init(_ kind: FailureKind, name: String, _ message: String) {
        self.kind = kind
        self.name = name
        self.message = message
    }

    public var description: String { "\(name): \(message)" }
}

/// The kinds of failure a DNS query raises.
extension FailureKind {
    public static let dnsNoSuchName = FailureKind("nxdomain")
    public static let dnsServerFailure = FailureKind("servfail")
    public static let dnsRefused = FailureKind("refused")
    public static let dnsTimeout = FailureKind("timeout")
    public static let dnsMalformed = FailureKind("malformed")
    public static let dnsInvalidName = FailureKind("invalid-name")
    public static let dnsNetwork = FailureKind("network")
}

/// A stub resolver for MX, SRV, TXT, A and AAAA that asks one nameserver directly, so
/// tests and split-DNS users can choose it (`--dns-server 127.0.0.1:5353`). UDP with
/// EDNS0, TCP when the answer is truncated, one deadline per query.
public struct DNSResolver: Sendable {
    public var server: String
    public var port: UInt16
    public var timeout: Double

    public init(server: String, port: UInt16 = 53, timeout: Double = 3) {
        self.server = server
        self.port = port
        self.timeout = timeout
    }

    /// `127.0.0.1:5353`, `[::1]:53`, `10.0.0.1` (port 53).
    public init(parsing text: String, timeout: Double = 3) throws(DNSError) {
        var host = text, port: UInt16 = 53
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { guard let p = UInt16(rest.dropFirst()) else { throw DNSError(.dnsInvalidName, name: text, "the port is not a number") }; port = p }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let p = UInt16(text[text.index(after: colon)...]) else { throw DNSError(.dnsInvalidName, name: text, "the port is not a number") }
            port = p
        }
        guard Self.isIPAddress(host) else {
            throw DNSError(.dnsInvalidName, name: text, "a DNS server is given as an IP address, optionally with :PORT (e.g. 127.0.0.1:5353)")
        }
        self.init(server: host, port: port, timeout: timeout)
    }

    /// The first nameserver of /etc/resolv.conf (127.0.0.1 when there is none).
    public static func system(timeout: Double = 3) -> DNSResolver {
        let conf = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        for line in conf.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, parts[0] == "nameserver", isIPAddress(String(parts[1])) {
                return DNSResolver(server: String(parts[1]), timeout: timeout)
            }
        }
        return DNSResolver(server: "127.0.0.1", timeout: timeout)
    }

    public static func isIPAddress(_ s: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, s, &v4) == 1 || inet_pton(AF_INET6, s, &v6) == 1
    }

    public func mx(_ name: String) async throws(DNSError) -> [MXRecord] {
        try await query(name, .mx).compactMap { if case .mx(let m) = $0.data { m } else { nil } }
            .sorted { ($0.preference, $0.exchange) < ($1.preference, $1.exchange) }
    }

    /// SRV records, in the order to try them: priority, then weight (heaviest first; a
    /// deterministic stand-in for RFC 2782's weighted random choice).
    public func srv(_ name: String) async throws(DNSError) -> [SRVRecord] {
        try await query(name, .srv).compactMap { if case .srv(let s) = $0.data { s } else { nil } }
            .sorted { ($0.priority, UInt16.max - $0.weight, $0.target) < ($1.priority, UInt16.max - $1.weight, $1.target) }
    }

    public func txt(_ name: String) async throws(DNSError) -> [String] {
        try await query(name, .txt).compactMap { if case .txt(let t) = $0.data { t } else { nil } }
    }

    /// The CNAME target of a name, nil when it has none.
    public func cname(_ name: String) async throws(DNSError) -> String? {
        try await query(name, .cname).compactMap { if case .cname(let c) = $0.data { c } else { nil } }.first
    }

    /// A or AAAA records alone (SPF counts them one by one).
    public func addresses(_ name: String, type: DNSRecordType) async throws(DNSError) -> [String] {
        try await query(name, type).compactMap { if case .address(let a) = $0.data { a } else { nil } }
    }

    public func addresses(_ name: String) async throws(DNSError) -> [String] {
        async let v4 = try? query(name, .a)
        async let v6 = try? query(name, .aaaa)
        let all = ((await v4) ?? []) + ((await v6) ?? [])
        return all.compactMap { if case .address(let a) = $0.data { a } else { nil } }
    }

    /// Answers of one type for a name. A name that does not exist is an error; a name
    /// with no records of the type is an empty list.
    func query(_ name: String, _ type: DNSRecordType) async throws(DNSError) -> [DNSAnswer] {
        let id = UInt16.random(in: 0...UInt16.max)
        let packet = try DNSWire.query(id: id, name: name, type: type)
        // Blocking socket calls run on a thread of their own, never on Swift's pool, and
        // the whole exchange (UDP, then TCP when truncated) is bounded by one deadline;
        // the sockets' own timeouts end the thread soon after.
        let server = "\(self.server):\(port)", timeout = self.timeout
        let result: Result<[UInt8], DNSError> = await runBlocking(
            timeout: timeout,
            onTimeout: .failure(DNSError(.dnsTimeout, name: name, "no answer from the DNS server \(server) within \(timeout) s"))) {
            exchange(packet, id: id, name: name)
        }
        let bytes = try result.get()
        let response: DNSResponse
        do { response = try DNSWire.parse(bytes) } catch {
            throw DNSError(.dnsMalformed, name: name, "the DNS server's answer for \(type) could not be read")
        }
        switch response.rcode {
        case 0: break
        case 3: throw DNSError(.dnsNoSuchName, name: name, "no such name (NXDOMAIN)")
        case 5: throw DNSError(.dnsRefused, name: name, "the DNS server \(server):\(port) refused the query")
        default: throw DNSError(.dnsServerFailure, name: name, "the DNS server \(server):\(port) failed (rcode \(response.rcode))")
        }
        return response.answers.filter { $0.type == type.rawValue }
    }

    func exchange(_ packet: [UInt8], id: UInt16, name: String) -> Result<[UInt8], DNSError> {
        switch udp(packet, id: id, name: name) {
        case .success(let bytes):
            if bytes.count > 2, bytes[2] & 0x02 != 0 { return tcp(packet, id: id, name: name) }
            return .success(bytes)
        case .failure(let e): return .failure(e)
        }
    }

    func withSocket(_ type: Int32, name: String, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Result<[UInt8], DNSError>) -> Result<[UInt8], DNSError> {
        var v4 = sockaddr_in(), v6 = sockaddr_in6()
        let family: Int32
        if inet_pton(AF_INET, server, &v4.sin_addr) == 1 {
            family = AF_INET
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
        } else if inet_pton(AF_INET6, server, &v6.sin6_addr) == 1 {
            family = AF_INET6
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
        } else {
            return .failure(DNSError(.dnsNetwork, name: name, "\(server) is not an IP address"))
        }
        let fd = socket(family, type, 0)
        guard fd >= 0 else { return .failure(DNSError(.dnsNetwork, name: name, "cannot open a socket (errno \(errno))")) }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if family == AF_INET {
            return withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        return withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
    }

    func udp(_ packet: [UInt8], id: UInt16, name: String) -> Result<[UInt8], DNSError> {
        withSocket(Int32(SOCK_DGRAM.rawValue), name: name) { fd, addr, len in
            guard connect(fd, addr, len) == 0, send(fd, packet, packet.count, 0) == packet.count else {
                return .failure(DNSError(.dnsNetwork, name: name, "cannot send to the DNS server \(server):\(port) (errno \(errno))"))
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK { break }
                    return .failure(DNSError(.dnsNetwork, name: name, "no answer from the DNS server \(server):\(port) (errno \(errno))"))
                }
                // Anything but the answer to this question (wrong id) is ignored.
                if n >= 12, UInt16(buffer[0]) << 8 | UInt16(buffer[1]) == id { return .success(Array(buffer[0..<n])) }
            }
            return .failure(DNSError(.dnsTimeout, name: name, "no answer from the DNS server \(server):\(port) within \(timeout) s"))
        }
    }

    func tcp(_ packet: [UInt8], id: UInt16, name: String) -> Result<[UInt8], DNSError> {
        withSocket(Int32(SOCK_STREAM.rawValue), name: name) { fd, addr, len in
            let framed = DNSWire.be16(UInt16(packet.count)) + packet
            guard connect(fd, addr, len) == 0, send(fd, framed, framed.count, Int32(MSG_NOSIGNAL)) == framed.count else {
                return .failure(DNSError(.dnsNetwork, name: name, "cannot reach the DNS server \(server):\(port) over TCP (errno \(errno))"))
            }
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while data.count < 2 || data.count < 2 + (Int(data[0]) << 8 | Int(data[1])) {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { return .failure(DNSError(.dnsTimeout, name: name, "the DNS server \(server):\(port) did not finish its TCP answer")) }
                data += buffer[0..<n]
            }
            let body = Array(data[2..<(2 + (Int(data[0]) << 8 | Int(data[1])))])
            guard body.count >= 12, UInt16(body[0]) << 8 | UInt16(body[1]) == id else {
                return .failure(DNSError(.dnsMalformed, name: name, "the DNS server's TCP answer is for another question"))
            }
            return .success(body)
        }
    }
}
