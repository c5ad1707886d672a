import MailSettings
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// What the fast path needs to answer: the cached answers, and where it counts and logs.
struct CachedAnswers: Sendable {
    let store: SettingsStore
    let metrics: Metrics
    let accessLog: AccessLog?
    let maxAge: Int
}

/// Answers the GETs whose answer is cached, the same bytes for everyone (Thunderbird's
/// file by address, by Host or by the ISPDB path), on the event loop, without the
/// router: the pre-built body, its ETag and 304, the same headers, metrics and access-log
/// line as the router's. Everything else, and anything not plainly one of those (another
/// method, a body, HTTP/1.0, an address or domain the checks refuse, a domain not
/// served), goes on to the router, which answers it as always. A request that arrives
/// while the router still owes an earlier answer on the connection goes to the router
/// too, so answers keep their order. Sits right behind the HTTP decoder (and
/// ``RequestHeadWatch``); confined to the connection's event loop.
final class CachedAnswerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Answer {
        var endpoint: Endpoint
        var domain: String
        var address: String?
        var body: CachedBody
        var head: Bool
        var notModified: Bool
        var keepAlive: Bool
        var started: ContinuousClock.Instant
    }

    private let answers: CachedAnswers
    private let cacheControl: String
    /// The request now being read goes to the router.
    private var forwarding = false
    /// Requests handed to the router whose answers are not written yet.
    private var routerOwes = 0
    /// A request answered here, waiting for the end of its head's message.
    private var pending: Answer?
    private var dateSecond = 0
    private var date = ""

    init(_ answers: CachedAnswers) {
        self.answers = answers
        cacheControl = "public, max-age=\(answers.maxAge)"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if !forwarding && routerOwes == 0 && pending == nil, let answer = answer(for: head) {
                pending = answer
                return
            }
            forwarding = true
            routerOwes += 1
            context.fireChannelRead(data)
        case .body:
            if forwarding { context.fireChannelRead(data) }
        case .end:
            if forwarding {
                forwarding = false
                context.fireChannelRead(data)
            } else if let answer = pending {
                pending = nil
                write(answer, context: context)
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { routerOwes = max(0, routerOwes - 1) }
        context.write(data, promise: promise)
    }

    /// The cached answer for this request head, or nil when the router must answer it.
    private func answer(for head: HTTPRequestHead) -> Answer? {
        guard head.version == .http1_1, head.method == .GET || head.method == .HEAD,
              !head.headers.contains(name: "transfer-encoding"),
              head.headers["content-length"].allSatisfy({ $0 == "0" }) else { return nil }
        let uri = head.uri
        let question = uri.utf8.firstIndex(of: UInt8(ascii: "?"))
        let path = uri[..<(question ?? uri.endIndex)].lowercased()
        let query = question.map { uri[uri.utf8.index(after: $0)...] }
        let endpoint: Endpoint
        let domain: String
        var address: EmailAddress?
        do {
            switch path {
            case "/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml":
                endpoint = path == "/mail/config-v1.1.xml" ? .autoconfig : .wellKnown
                if let raw = query.flatMap(Self.emailAddress) {
                    address = try RequestChecks.address(raw[...], parameter: "emailaddress")
                    domain = address!.domain
                } else {
                    domain = try RequestChecks.domain(fromHost: head.headers["host"].first)
                }
            case let p where p.hasPrefix("/v1.1/"):
                let raw = String(uri.dropFirst("/v1.1/".count).prefix { $0 != "?" })
                guard !raw.isEmpty, !raw.contains("/"), !raw.contains("%") else { return nil }
                endpoint = .ispdb
                domain = try RequestChecks.domain(raw, what: "the domain in the path")
            default:
                return nil
            }
        } catch {
            return nil
        }
        guard let body = (try? answers.store.thunderbird(for: domain)) ?? nil else { return nil }
        let notModified = head.headers["if-none-match"].contains { ConditionalGETMiddleware<ServiceContext>.matches($0, body.etag) }
        return Answer(endpoint: endpoint, domain: domain, address: address?.description, body: body, head: head.method == .HEAD,
                      notModified: notModified, keepAlive: head.isKeepAlive, started: .now)
    }

    /// The first `emailaddress=` of a query, percent-decoded, as the router reads it (a
    /// value that does not decode is taken as it is).
    private static func emailAddress(in query: Substring) -> String? {
        // Pair by pair over the bytes, without making the list of pairs.
        let bytes = query.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.endIndex
            let pair = bytes[start..<end]
            if pair.starts(with: "emailaddress=".utf8) {
                let value = pair.dropFirst("emailaddress=".utf8.count)
                return percentDecoded(value) ?? String(decoding: value, as: UTF8.self)
            }
            start = end == bytes.endIndex ? end : bytes.index(after: end)
        }
        return nil
    }

    private static func percentDecoded(_ bytes: Substring.UTF8View.SubSequence) -> String? {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h = bytes.index(after: i)
                guard h != bytes.endIndex, bytes.index(after: h) != bytes.endIndex,
                      let high = hex(bytes[h]), let low = hex(bytes[bytes.index(after: h)]) else { return nil }
                out.append(high << 4 | low)
                i = bytes.index(h, offsetBy: 2)
            } else {
                out.append(b)
                i = bytes.index(after: i)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private func write(_ answer: Answer, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(8)
        headers.add(name: "Content-Type", value: "application/xml; charset=utf-8")
        headers.add(name: "ETag", value: answer.body.etag)
        if !answer.notModified { headers.add(name: "Content-Length", value: answer.body.length) }
        headers.add(name: "Cache-Control", value: cacheControl)
        headers.add(name: "Date", value: httpDate())
        headers.add(name: "Server", value: "mailconf")
        if !answer.keepAlive { headers.add(name: "Connection", value: "close") }
        let status: HTTPResponseStatus = answer.notModified ? .notModified : .ok
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !answer.notModified && !answer.head {
            context.write(wrapOutboundOut(.body(.byteBuffer(answer.body.buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !answer.keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
        let seconds = (ContinuousClock.now - answer.started).seconds
        answers.metrics.record(endpoint: answer.endpoint, status: Int(status.code), seconds: seconds)
        answers.accessLog?.record(answer.endpoint, domain: answer.domain, address: answer.address, status: Int(status.code),
                                  seconds: seconds)
    }

    /// RFC 9110's date, made once a second.
    private func httpDate() -> String {
        let now = time(nil)
        if now != dateSecond {
            dateSecond = now
            var seconds = now
            var parts = tm()
            gmtime_r(&seconds, &parts)
            var buffer = [CChar](repeating: 0, count: 40)
            let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            date = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return date
    }
}
