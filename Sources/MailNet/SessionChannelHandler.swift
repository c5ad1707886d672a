import NIOCore
import NIOTLS

/// The channel handler under a protocol session (SMTP, IMAP, POP3): it ends the
/// connection with the client's own error, and tracks the TLS handshake a session waits
/// for. What the three handlers do alike is written once here: the TLS handshake's end,
/// errors from below, the connection going away, failing every wait; and what the three
/// sessions wait with. Each handler decodes its protocol and keeps its own waits.
public protocol SessionChannelHandler: ChannelHandler, AnyObject, Sendable {
    associatedtype Failure: Error
    /// The error that ended the connection, once there is one (event loop only).
    var failure: Failure? { get set }
    /// The TLS handshake under way, from the first byte or after STARTTLS (event loop only).
    var handshake: EventLoopPromise<Void>? { get set }
    /// This connection's TLS (from the first byte, or set when STARTTLS starts it), to
    /// name its failures (event loop only).
    var tls: TLSClient? { get set }
    /// The phase of the oldest wait; nil when nothing waits.
    var waitingPhase: String? { get }
    /// Takes out every wait still pending and fails it with `error` (event loop only).
    func failWaits(_ error: Failure)
    /// The client's error for a connection that went away during `phase`.
    static func connectionClosed(phase: String) -> Failure
    /// The client's error for a TLS failure.
    static func tlsFailed(_ failure: TLSFailure) -> Failure
    /// The client's error for a wait that ran out during `phase`.
    static func timedOut(phase: String, seconds: Double) -> Failure
}

extension SessionChannelHandler {
    /// Fails every wait and the handshake with the first error the connection met, and
    /// closes it (on the event loop).
    public func fail(_ error: Failure, context: ChannelHandlerContext) {
        if failure == nil { failure = error }
        let first = failure ?? error
        failWaits(first)
        handshake?.fail(first)
        handshake = nil
        context.close(promise: nil)
    }

    /// A channel that never connected goes away without becoming inactive: whoever still
    /// waits (the greeting) is told, so no promise is left behind.
    public func handlerRemoved(context: ChannelHandlerContext) {
        let error = failure ?? Self.connectionClosed(phase: waitingPhase ?? "the session")
        failWaits(error)
        handshake?.fail(error)
        handshake = nil
    }

    /// What was under way when the connection went: the oldest wait, else the handshake.
    var closingPhase: String { waitingPhase ?? (handshake == nil ? "the session" : TLSPhase.handshake) }
}

extension SessionChannelHandler where Self: ChannelInboundHandler {
    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            handshake?.succeed(())
            handshake = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The client's own error as it is; a TLS error named by this connection's TLS
    /// (the certificate's verdict, or the handshake's words); anything else closes it.
    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let own = error as? Failure {
            fail(own, context: context)
        } else if let failure = tls?.failure(for: error) {
            fail(Self.tlsFailed(failure), context: context)
        } else {
            fail(Self.connectionClosed(phase: waitingPhase ?? "the session"), context: context)
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        fail(Self.connectionClosed(phase: closingPhase), context: context)
        context.fireChannelInactive()
    }
}

extension SessionChannelHandler {
    /// Waits for what the server owes (a reply, the greeting, the handshake) under
    /// MailNet's one deadline; when it passes, the connection fails with `timedOut`'s
    /// error on its event loop, so every later wait on it says so too.
    public func awaitUnderDeadline<T: Sendable>(_ future: EventLoopFuture<T>, on channel: any Channel, seconds: Double,
                                                timedOut: @escaping @Sendable (Double) -> Failure) async throws -> T {
        try await withDeadline(seconds, timedOut: {
            let error = timedOut(seconds)
            channel.eventLoop.execute {
                if let context = try? channel.pipeline.syncOperations.context(handler: self) {
                    self.fail(error, context: context)
                } else {
                    channel.close(promise: nil)
                }
            }
            return error
        }) { try await future.get() }
    }

    /// Waits for the TLS handshake under way (none: at once), under the deadline.
    public func awaitHandshake(on channel: any Channel, seconds: Double,
                               timedOut: @escaping @Sendable (Double) -> Failure) async throws {
        let future: EventLoopFuture<Void> = try await channel.eventLoop.submit {
            if let failure = self.failure { return channel.eventLoop.makeFailedFuture(failure) }
            guard let promise = self.handshake else { return channel.eventLoop.makeSucceededVoidFuture() }
            return promise.futureResult
        }.get()
        try await awaitUnderDeadline(future, on: channel, seconds: seconds, timedOut: timedOut)
    }
}
