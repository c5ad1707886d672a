import NIOCore

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
    /// When the connection is to be closed, and why; nil while a request is answered.
    /// One timer per connection follows it lazily: moving the deadline costs nothing per
    /// request, and the timer, when it fires early, waits again for the deadline.
    private var deadline: (at: NIODeadline, reason: ConnectionStats.Closure)?
    private var timer: Scheduled<Void>?
    private var timerAt: NIODeadline?
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
        deadline = nil
        if counted {
            counted = false
            stats.open.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    /// The request's head is complete: no deadline while it is read and answered.
    func headComplete() {
        state = .inRequest
        deadline = nil
    }

    /// The response is written: the connection may now wait for the next request.
    func responseComplete(_ context: ChannelHandlerContext) {
        guard state == .inRequest else { return }
        state = .idle
        arm(limits.idleTimeout, closing: .idleTimeout, context)
    }

    private func arm(_ seconds: Double, closing reason: ConnectionStats.Closure, _ context: ChannelHandlerContext) {
        let at = NIODeadline.now() + .nanoseconds(Int64(seconds * 1e9))
        deadline = (at, reason)
        // A timer already set for no later than this will look again when it fires.
        if let timerAt, timerAt <= at, timer != nil { return }
        schedule(at, context.channel, context.eventLoop)
    }

    /// Sets the timer for `at`, but never further ahead than the head timeout, the
    /// shortest deadline there is: a head deadline set later then never comes before the
    /// timer, so a busy connection's timer is set again only when it fires.
    private func schedule(_ at: NIODeadline, _ channel: any Channel, _ eventLoop: any EventLoop) {
        timer?.cancel()
        let when = min(at, .now() + .nanoseconds(Int64(limits.headerTimeout * 1e9)))
        timerAt = when
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        timer = eventLoop.scheduleTask(deadline: when) { loopBound.value.fired(channel, eventLoop) }
    }

    private func fired(_ channel: any Channel, _ eventLoop: any EventLoop) {
        timer = nil
        timerAt = nil
        guard let deadline else { return }  // a request is being answered: no deadline now
        if deadline.at <= .now() {
            stats.count(deadline.reason)
            channel.close(promise: nil)
        } else {
            schedule(deadline.at, channel, eventLoop)
        }
    }
}
