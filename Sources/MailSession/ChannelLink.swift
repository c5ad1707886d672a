import MailNet
import NIOCore
import NIOSSL

/// What a session's channel handler keeps, the same for the three protocols: the waits
/// for replies in the order the commands went out, the error that ended the connection,
/// the TLS handshake under way and the connection's TLS. Event loop only.
package struct ChannelLink<Reply: Sendable, Failure: Error, Detail> {
    /// One command's wait for its reply.
    package struct Waiter {
        package var promise: EventLoopPromise<Reply>
        package var phase: String
        /// What the protocol needs to know of the reply owed (IMAP: its tag).
        package var detail: Detail
        /// For STARTTLS: the TLS handler to put in front of the protocol's handler when
        /// the server says yes.
        package var upgrade: NIOSSLClientHandler?
    }

    package var waiters: [Waiter] = []
    /// The error that ended the connection, once there is one.
    package var failure: Failure?
    /// The TLS handshake under way, from the first byte or after STARTTLS.
    package var handshake: EventLoopPromise<Void>?
    /// This connection's TLS (from the first byte, or set when STARTTLS starts it), to
    /// name its failures.
    package var tls: TLSClient?

    package init(tls: TLSClient?) {
        self.tls = tls
    }
}

extension SessionChannelHandler {
    /// Registers interest in the next reply. Call on the event loop, before writing the
    /// command; the wait is bounded by the caller (``SessionConnection/awaitReply``).
    package func expect(_ phase: String, _ detail: Detail, on context: ChannelHandlerContext,
                        upgrade: NIOSSLClientHandler? = nil) -> EventLoopFuture<Reply> {
        let promise = context.eventLoop.makePromise(of: Reply.self)
        if let failure = link.failure {
            promise.fail(failure)
        } else {
            link.waiters.append(.init(promise: promise, phase: phase, detail: detail, upgrade: upgrade))
        }
        return promise.futureResult
    }

    /// The phase of the oldest wait; nil when nothing waits.
    package var waitingPhase: String? { link.waiters.first?.phase }

    /// Takes out every wait still pending and fails it with `error`.
    func failWaits(_ error: Failure) {
        let pending = link.waiters
        link.waiters = []
        for waiter in pending { waiter.promise.fail(error) }
    }

    /// After the server's yes to STARTTLS (STLS): the TLS handler goes in front of this
    /// one in the same event-loop turn, so every later byte goes through TLS. Bytes that
    /// came after the yes and before the handshake were injected by someone on the path:
    /// the connection fails, and so does `waiter`, already taken out. False when it failed.
    package func startTLS(_ tls: NIOSSLClientHandler, injectedBytes: Int, partial: Bool, failing waiter: EventLoopPromise<Reply>?,
                          context: ChannelHandlerContext) -> Bool {
        let failure: SessionFailure
        if injectedBytes > 0 || partial {
            failure = .startTLSInjection(bytes: injectedBytes)
        } else {
            do {
                try context.pipeline.syncOperations.addHandler(tls, position: .before(self))
                return true
            } catch {
                failure = .tls(.handshakeFailed("\(error)"))
            }
        }
        waiter?.fail(Failure.session(failure))
        fail(failure, context: context)
        return false
    }
}
