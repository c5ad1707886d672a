import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare HTTP/1.1 connection for tests that need what ordinary clients will not send:
/// any Host header, a body sent in pieces, malformed requests.
public final class RawHTTPConnection: @unchecked Sendable {
    let fd: Int32

    public init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(message: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            close(fd)
            throw RawHTTPError(message: "connect to \(host):\(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    public func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPError(message: "send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Reads one response: the head, then Content-Length bytes (or to the close).
    public func readAll() throws -> RawHTTPResponse {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = data.firstRange(of: separator) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                if let length, data.count - end.upperBound >= length { break }
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { data += buffer[0..<n] } else if n == 0 { break } else {
                throw RawHTTPError(message: "no answer within 15 s (errno \(errno)); read so far: \(String(decoding: data, as: UTF8.self).prefix(200))")
            }
        }
        return RawHTTPResponse(String(decoding: data, as: UTF8.self))
    }

    /// What has arrived, waiting up to 100 ms for something (empty when nothing came).
    public func readAvailable() throws -> String {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, 100) > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : ""
    }

    /// Of these connections, the ones the server has closed (a read gives end of file or
    /// a reset) by the time `seconds` have passed, waiting no longer than that.
    public static func closedByPeer(_ connections: [RawHTTPConnection], within seconds: Double) -> Set<Int> {
        var closed = Set<Int>()
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        repeat {
            var fds = connections.indices.filter { !closed.contains($0) }.map { pollfd(fd: connections[$0].fd, events: Int16(POLLIN), revents: 0) }
            let open = connections.indices.filter { !closed.contains($0) }
            if fds.isEmpty { break }
            let wait = max(0, Int32(deadline.timeIntervalSinceNow * 1000))
            guard poll(&fds, nfds_t(fds.count), min(wait, 100)) >= 0 else { break }
            for (slot, i) in open.enumerated() where fds[slot].revents != 0 {
                // Anything left unread (a 431, say) is read past; end of file or an error is the close.
                let n = recv(connections[i].fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closed.insert(i) }
            }
        } while Date() < deadline
        return closed
    }

    /// One whole request on a thread of its own: blocking socket calls must not hold one
    /// of Swift's few cooperative threads, which the server under test needs too.
    public static func fetch(port: Int, _ head: String, body: String = "") async throws -> RawHTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try request(port: port, head, body: body) })
            }
        }
    }

    /// One whole request, answered and closed.
    public static func request(port: Int, _ head: String, body: String = "") throws -> RawHTTPResponse {
        let c = try RawHTTPConnection(port: port)
        try c.send(head + body)
        return try c.readAll()
    }
}

public struct RawHTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: String
    init(_ text: String) {
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
        let lines = head.components(separatedBy: "\r\n")
        status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var h: [String: String] = [:]
        for l in lines.dropFirst() {
            if let colon = l.firstIndex(of: ":") {
                h[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        headers = h
    }
}

public struct RawHTTPError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
