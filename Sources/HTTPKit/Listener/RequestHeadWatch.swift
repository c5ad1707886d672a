import NIOCore
import NIOHTTP1

/// Sits right behind the HTTP decoder: tells the ``ConnectionGuard`` when a request head
/// is complete and when its response has been written, and answers a head over the size
/// limit with 431 before closing the connection.
final class RequestHeadWatch: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let connectionGuard: ConnectionGuard
    private let stats: ConnectionStats

    init(guard connectionGuard: ConnectionGuard, stats: ConnectionStats) {
        self.connectionGuard = connectionGuard
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { connectionGuard.headComplete() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The idle time runs from the answer's end going out.
        if case .end = unwrapOutboundIn(data) { connectionGuard.responseComplete(context) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parser = error as? HTTPParserError, case .headerOverflow = parser else {
            context.fireErrorCaught(error)
            return
        }
        // RFC 6585 §5; nothing more is read from this connection.
        stats.count(.headerTooLarge)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: 431, reasonPhrase: "Request Header Fields Too Large"), headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
