import Failures
import MailNet
import NIOCore
import NIOTLS

/// The channel handler under a protocol session (SMTP, IMAP, POP3): it ends the
/// connection with the client's own error, and tracks the TLS handshake a session waits
/// for. What the three handlers do alike is written once here: the TLS handshake's end,
/// errors from below, the connection going away, failing every wait; and what the three
/// sessions wait with. Each handler decodes its protocol and keeps its own waits.
package protocol SessionChannelHandler: ChannelHandler, AnyObject, Sendable {
    associatedtype Failure: SessionError
    associatedtype Limits: SessionLimits
    /// What the server answers (a reply, a status line, a tagged response with its
    /// untagged ones); the greeting is one too.
    associatedtype Reply: Sendable
    /// What the protocol notes about a reply owed (IMAP: the tag), or nothing.
    associatedtype Detail
    /// A handler for one connection, with its reader's bounds and, for implicit TLS, the
    /// TLS in front of it.
    init(limits: Limits, tls: TLSClient?)
    /// The waits, the failure, the handshake and the TLS (event loop only).
    var link: ChannelLink<Reply, Failure, Detail> { get set }
    /// Registers the wait for the greeting (on the event loop, before any byte arrives).
    func expectGreeting(on context: ChannelHandlerContext) -> EventLoopFuture<Reply>
}

extension SessionChannelHandler {
    /// Fails every wait and the handshake with the first error the connection met, and
    /// closes it (on the event loop).
    package func fail(_ error: Failure, context: ChannelHandlerContext) {
        if link.failure == nil { link.failure = error }
        let first = link.failure ?? error
        failWaits(first)
        link.handshake?.fail(first)
        link.handshake = nil
        context.close(promise: nil)
    }

    /// Fails the connection with one of the failures every session shares.
    package func fail(_ failure: SessionFailure, context: ChannelHandlerContext) {
        fail(Failure.session(failure), context: context)
    }

    /// A channel that never connected goes away without becoming inactive: whoever still
    /// waits (the greeting) is told, so no promise is left behind.
    package func handlerRemoved(context: ChannelHandlerContext) {
        let error = link.failure ?? Failure.session(.connectionClosed(phase: waitingPhase ?? "the session"))
        failWaits(error)
        link.handshake?.fail(error)
        link.handshake = nil
    }

    /// What was under way when the connection went: the oldest wait, else the handshake.
    var closingPhase: String { waitingPhase ?? (link.handshake == nil ? "the session" : TLSPhase.handshake) }
}

extension SessionChannelHandler where Self: ChannelInboundHandler {
    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            link.handshake?.succeed(())
            link.handshake = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The client's own error as it is; a TLS error named by this connection's TLS
    /// (the certificate's verdict, or the handshake's words); anything else closes it.
    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let own = error as? Failure {
            fail(own, context: context)
        } else if let failure = link.tls?.failure(for: error) {
            fail(.tls(failure), context: context)
        } else {
            fail(.connectionClosed(phase: waitingPhase ?? "the session"), context: context)
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(phase: closingPhase), context: context)
        context.fireChannelInactive()
    }
}

extension SessionChannelHandler {
    /// Waits for what the server owes (a reply, the greeting, the handshake) under
    /// the core's one deadline (withDeadline); when it passes, the connection fails with `timedOut`'s
    /// error on its event loop, so every later wait on it says so too.
    package func awaitUnderDeadline<T: Sendable>(_ future: EventLoopFuture<T>, on channel: any Channel, seconds: Double,
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
    package func awaitHandshake(on channel: any Channel, seconds: Double,
                                timedOut: @escaping @Sendable (Double) -> Failure) async throws {
        let future: EventLoopFuture<Void> = try await channel.eventLoop.submit {
            if let failure = self.link.failure { return channel.eventLoop.makeFailedFuture(failure) }
            guard let promise = self.link.handshake else { return channel.eventLoop.makeSucceededVoidFuture() }
            return promise.futureResult
        }.get()
        try await awaitUnderDeadline(future, on: channel, seconds: seconds, timedOut: timedOut)
    }
}
