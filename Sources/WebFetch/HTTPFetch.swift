import Failures
import Foundation
import MailNet
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 GET (autoconfig files, ISPDB, MTA-STS policies) or POST (an
/// Autodiscover request): one request, a size limit, a deadline, certificate checks for
/// https, and curl-like address overrides.
public struct HTTPFetch: Sendable {
    /// Why a fetch gave no answer: the URL, where it connected, and why, in MailNet's words.
    public struct Failure: MailconfError {
        public var message: String
        /// What MailNet named when the connection or its TLS failed
        /// (`certificate-name-mismatch`, `connection-refused`, …).
        public var cause: FailureKind?
        public init(message: String, cause: FailureKind? = nil) {
            self.message = message
            self.cause = cause
        }
        public var kind: FailureKind { .fetchFailed }
        public var description: String { message }
    }

    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        /// The response's header fields, in order.
        public var headers: [(name: String, value: String)] = []

        /// The first field of that name (any letter case).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// `HOST:PORT` → where to connect instead (`--resolve`, `--connect-to`).
    public var overrides: [String: (host: String, port: Int)]
    /// How host names become addresses (mailconf's own DNS for `--dns-server`); the
    /// overrides apply over it.
    public var resolver: any AddressResolver
    /// PEM file of CAs to trust instead of the system's (a private CA, in tests).
    public var caFile: String?
    public var timeout: Double
    public var maxBody: Int
    public var userAgent = "mailconf-discover"

    public init(overrides: [String: (host: String, port: Int)] = [:], resolver: any AddressResolver = SystemResolver(),
                caFile: String? = nil, timeout: Double = 5, maxBody: Int = 1 << 20) {
        self.overrides = overrides
        self.resolver = resolver
        self.caFile = caFile
        self.timeout = timeout
        self.maxBody = maxBody
    }

    public func get(_ urlText: String, accept: String = "application/xml, text/xml") async throws -> Response {
        try await send(urlText, method: .GET, body: nil, accept: accept)
    }

    /// A POST of `body` (with its content type).
    public func post(_ urlText: String, body: [UInt8], contentType: String,
                     accept: String = "application/xml, text/xml") async throws -> Response {
        try await send(urlText, method: .POST, body: (body, contentType), accept: accept)
    }

    private func send(_ urlText: String, method: HTTPMethod, body: (bytes: [UInt8], type: String)?,
                      accept: String) async throws -> Response {
        guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw Failure(message: "\(urlText) is not an http(s) URL")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        var path = url.path.isEmpty ? "/" : url.path
        if let q = url.query { path += "?" + q }
        var tls: TLSClient?
        if scheme == "https" {
            do { tls = try TLSClient(trust: caFile.map { .caFile($0) } ?? .system, host: host) } catch {
                throw Failure(message: "\(urlText): \(error)")
            }
        }
        let timeout = timeout, requestPath = path
        let route = OverridingResolver(base: resolver, overrides: overrides)
        let limit = maxBody
        let hostHeader = port == (scheme == "https" ? 443 : 80) ? host : "\(host):\(port)"
        do {
            return try await exchange(urlText, tls, route, host, port, hostHeader, requestPath, method, body, accept, limit, timeout)
        } catch let f as Failure {
            throw f
        } catch let f as ResolveFailure {
            throw Failure(message: "\(urlText): \(f)")
        } catch {
            // Named by the one place that names network failures: connect, then TLS.
            let connect = error as? ConnectFailure, tlsFailure = tls?.failure(for: error)
            let why = connect?.description ?? tlsFailure?.description ?? String("\(error)".prefix(160))
            let target = overrides["\(host.lowercased()):\(port)"] ?? (host, port)
            throw Failure(message: "\(urlText): cannot fetch from \(target.host):\(target.port): \(why)",
                          cause: connect?.kind ?? tlsFailure?.kind)
        }
    }

    private func exchange(_ urlText: String, _ tls: TLSClient?, _ route: OverridingResolver, _ host: String, _ port: Int,
                          _ hostHeader: String, _ requestPath: String, _ method: HTTPMethod,
                          _ body: (bytes: [UInt8], type: String)?, _ accept: String, _ limit: Int,
                          _ timeout: Double) async throws -> Response {
        try await withDeadline(timeout, timedOut: { Failure(message: "\(urlText): no answer within \(timeout) s") }) {
            let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> = try await connectChannel(
                host: host, port: port, resolver: route, tls: tls, timeout: timeout) { pipeline in
                try pipeline.addHTTPClientHandlers()
            }
            return try await channel.executeThenClose { inbound, outbound in
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: hostHeader)
                headers.add(name: "User-Agent", value: userAgent)
                headers.add(name: "Accept", value: accept)
                headers.add(name: "Connection", value: "close")
                if let body {
                    headers.add(name: "Content-Type", value: body.type)
                    headers.add(name: "Content-Length", value: String(body.bytes.count))
                }
                try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: requestPath, headers: headers)))
                if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body.bytes)))) }
                try await outbound.write(.end(nil))
                var status = 0
                var answer: [UInt8] = []
                var fields: [(name: String, value: String)] = []
                loop: for try await part in inbound {
                    switch part {
                    case .head(let head):
                        status = Int(head.status.code)
                        fields = head.headers.map { ($0.name, $0.value) }
                    case .body(let buffer):
                        guard answer.count + buffer.readableBytes <= limit else {
                            throw Failure(message: "\(urlText): the answer is larger than \(limit / 1024) KiB")
                        }
                        answer += buffer.readableBytesView
                    case .end: break loop
                    }
                }
                return Response(status: status, body: answer, headers: fields)
            }
        }
    }
}

extension FailureKind {
    /// An http(s) GET that gave no answer (the URL, the connection, TLS, a deadline, the size).
    public static let fetchFailed = FailureKind("fetch-failed")
}
