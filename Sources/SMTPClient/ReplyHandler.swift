import MailNet
import MailSession
import NIOCore
import NIOSSL

/// The channel handler under a session: decodes replies and hands each to the command
/// waiting for it; the waits, TLS and failures are the session core's. Confined to its
/// channel's event loop: every method and timer runs there.
package final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler, SessionChannelHandler, @unchecked Sendable {
    package typealias InboundIn = ByteBuffer

    package var link: ChannelLink<SMTPReply, SMTPClientError, Void>
    private var decoder: ReplyDecoder

    package init(limits: SMTPLimits, tls: TLSClient?) {
        decoder = ReplyDecoder(limits: limits)
        link = ChannelLink(tls: tls)
    }

    package func expectGreeting(on context: ChannelHandlerContext) -> EventLoopFuture<SMTPReply> {
        expect("greeting", (), on: context)
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies: [SMTPReply]
        do {
            replies = try decoder.feed(buffer.readableBytesView)
        } catch {
            fail(SMTPClientError.protocolViolation(phase: waitingPhase ?? "the session", error), context: context)
            return
        }
        for (i, reply) in replies.enumerated() {
            guard !link.waiters.isEmpty else {
                fail(SMTPClientError.unsolicitedReply(reply), context: context)
                return
            }
            let waiter = link.waiters.removeFirst()
            if let tls = waiter.upgrade, reply.code == 220 {
                // Anything after the 220 in this read came before the handshake: injected.
                let later = replies[(i + 1)...].reduce(0) { sum, r in sum + r.lines.reduce(0) { $0 + 6 + $1.utf8.count } }
                guard startTLS(tls, injectedBytes: later + decoder.bufferedByteCount, partial: decoder.hasPartialData,
                               failing: waiter.promise, context: context) else { return }
            }
            waiter.promise.succeed(reply)
        }
    }
}
