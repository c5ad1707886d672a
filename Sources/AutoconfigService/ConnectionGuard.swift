import NIOCore
import NIOHTTP1

/// The first handler of every client connection: counts it against the connection
/// limit (closing it at once past the limit), and closes it when its request head takes
/// too long or it sits idle too long between requests. Where a request head starts and
/// ends is told by ``RequestHeadWatch``, which sits behind the HTTP decoder. Confined to
/// the connection's event loop.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        /// A new connection, or a request whose first bytes came: its head is awaited.
        case awaitingHead
        /// A head arrived: the request is being read and answered.
        case inRequest
        /// Answered; waiting for the next request on a kept-alive connection.
        case idle
    }

    private let limits: ConnectionLimits
    private let stats: ConnectionStats
    private var state = State.awaitingHead
    private var timer: Scheduled<Void>?
    private var counted = false

    init(limits: ConnectionLimits, stats: ConnectionStats) {
        self.limits = limits
        self.stats = stats
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        let open = stats.open.wrappingAdd(1, ordering: .relaxed).newValue
        if open > limits.maxConnections {
            stats.count(.overConnectionLimit)
            context.close(promise: nil)
            return
        }
        arm(limits.headerTimeout, closing: .headerTimeout, context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state == .idle {
            state = .awaitingHead
            arm(limits.headerTimeout, closing: .headerTimeout, context)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { end() }

    private func end() {
        timer?.cancel()
        timer = nil
        if counted {
            counted = false
            stats.open.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    /// The request's head is complete: no deadline while it is read and answered.
    func headComplete() {
        state = .inRequest
        timer?.cancel()
        timer = nil
    }

    /// The response is written: the connection may now wait for the next request.
    func responseComplete(_ context: ChannelHandlerContext) {
        guard state == .inRequest else { return }
        state = .idle
        arm(limits.idleTimeout, closing: .idleTimeout, context)
    }

    private func arm(_ seconds: Double, closing reason: ConnectionStats.Closure, _ context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        let stats = self.stats
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            stats.count(reason)
            channel.close(promise: nil)
        }
    }
}

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
        if case .end = unwrapOutboundIn(data) {
            let connectionGuard = self.connectionGuard
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let written = promise ?? context.eventLoop.makePromise()
            written.futureResult.whenSuccess { connectionGuard.responseComplete(loopBound.value) }
            context.write(data, promise: written)
            return
        }
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
