import MailNet
import NIOCore
import NIOSSL
import NIOTLS

/// The channel handler under a session: decodes replies and hands each to the command
/// waiting for it. Runs on the channel's event loop only.
/// Confined to its channel's event loop: every method and timer runs there.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler, SessionChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    struct Waiter {
        var promise: EventLoopPromise<SMTPReply>
        var phase: String
        /// For STARTTLS: the TLS handler to put in front of this one when the 220 arrives.
        var upgrade: NIOSSLClientHandler?
    }

    private var decoder: ReplyDecoder
    private var waiters: [Waiter] = []
    /// The error that ended the connection, once there is one (read on the event loop).
    var failure: SMTPClientError?
    var handshake: EventLoopPromise<Void>?
    /// This connection's TLS (from the first byte, or from STARTTLS on), to name its failures.
    var tls: TLSClient?

    init(limits: SMTPLimits, tls: TLSClient?) {
        decoder = ReplyDecoder(limits: limits)
        self.tls = tls
    }

    /// Registers interest in the next reply. Call on the event loop, before writing the
    /// command. The wait is bounded by the caller (``SMTPConnection/awaitReply``).
    func expect(_ phase: String, on context: ChannelHandlerContext,
                upgrade: NIOSSLClientHandler? = nil) -> EventLoopFuture<SMTPReply> {
        let promise = context.eventLoop.makePromise(of: SMTPReply.self)
        if let failure {
            promise.fail(failure)
            return promise.futureResult
        }
        waiters.append(Waiter(promise: promise, phase: phase, upgrade: upgrade))
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies: [SMTPReply]
        do {
            replies = try decoder.feed(buffer.readableBytesView)
        } catch {
            fail(.protocolViolation(phase: waiters.first?.phase ?? "the session", error), context: context)
            return
        }
        for (i, reply) in replies.enumerated() {
            guard !waiters.isEmpty else {
                fail(.unsolicitedReply(reply), context: context)
                return
            }
            let waiter = waiters.removeFirst()
            if let tls = waiter.upgrade, reply.code == 220 {
                // Anything after the 220 in this read came before the handshake: injected.
                let later = replies[(i + 1)...].reduce(0) { sum, r in sum + r.lines.reduce(0) { $0 + 6 + $1.utf8.count } }
                let extra = later + decoder.bufferedByteCount
                if extra > 0 || decoder.hasPartialData {
                    waiter.promise.fail(SMTPClientError.startTLSInjection(bytes: extra))
                    fail(.startTLSInjection(bytes: extra), context: context)
                    return
                }
                do {
                    // Same event-loop turn as the 220: every later byte goes through TLS.
                    try context.pipeline.syncOperations.addHandler(tls, position: .before(self))
                } catch {
                    waiter.promise.fail(SMTPClientError.tls(.handshakeFailed("\(error)")))
                    fail(.tls(.handshakeFailed("\(error)")), context: context)
                    return
                }
            }
            waiter.promise.succeed(reply)
        }
    }

    // What every session's handler does with TLS events, errors and the end of the
    // connection is MailNet's (SessionChannelHandler); this handler says how to fail
    // its own waits and how its client names a closed connection and a TLS failure.
    var waitingPhase: String? { waiters.first?.phase }

    func failWaits(_ error: SMTPClientError) {
        let pending = waiters
        waiters = []
        for w in pending { w.promise.fail(error) }
    }

    static func connectionClosed(phase: String) -> SMTPClientError { .connectionClosed(phase: phase) }
    static func tlsFailed(_ failure: TLSFailure) -> SMTPClientError { .tls(failure) }
    static func timedOut(phase: String, seconds: Double) -> SMTPClientError { .timeout(phase: phase, seconds: seconds) }
}
