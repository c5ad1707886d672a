import MailNet
import MailSession
import NIOCore
import NIOSSL

/// The channel handler under a session: decodes responses and hands each to the command
/// waiting for it. Confined to its channel's event loop: every method runs there.
package final class POP3ResponseHandler: ChannelInboundHandler, RemovableChannelHandler, SessionChannelHandler, @unchecked Sendable {
    package typealias InboundIn = ByteBuffer

    package var link: ChannelLink<POP3Response, POP3ClientError, Void>
    private var decoder: POP3ResponseDecoder

    package init(limits: POP3Limits, tls: TLSClient?) {
        decoder = POP3ResponseDecoder(limits: limits)
        link = ChannelLink(tls: tls)
    }

    package func expectGreeting(on context: ChannelHandlerContext) -> EventLoopFuture<POP3Response> {
        expect("greeting", form: .singleLine, on: context)
    }

    /// Registers interest in the next response, of this form (the decoder is told too).
    func expect(_ phase: String, form: POP3ResponseForm, on context: ChannelHandlerContext,
                upgrade: NIOSSLClientHandler? = nil) -> EventLoopFuture<POP3Response> {
        if link.failure == nil { decoder.expect(form) }
        return expect(phase, (), on: context, upgrade: upgrade)
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a failure (a timeout, say) the connection is closing: a late response
        // belongs to nobody.
        guard link.failure == nil else { return }
        let buffer = unwrapInboundIn(data)
        let responses: [POP3Response]
        do {
            responses = try decoder.feed(buffer.readableBytesView)
        } catch {
            fail(POP3ClientError.protocolViolation(phase: waitingPhase ?? "the session", error), context: context)
            return
        }
        for response in responses {
            guard !link.waiters.isEmpty else {
                fail(POP3ClientError.protocolViolation(phase: "the session", .unsolicited(bytes: response.statusLine.utf8.count + 2)), context: context)
                return
            }
            let waiter = link.waiters.removeFirst()
            // Anything after the +OK in this read came before the handshake: injected.
            if let tls = waiter.upgrade, response.isOK, !startTLS(tls, injectedBytes: decoder.bufferedByteCount,
                                                                   partial: decoder.hasPartialData, failing: waiter.promise,
                                                                   context: context) {
                return
            }
            waiter.promise.succeed(response)
        }
        if !decoder.isExpecting && decoder.bufferedByteCount > 0 {
            fail(POP3ClientError.protocolViolation(phase: "the session", .unsolicited(bytes: decoder.bufferedByteCount)), context: context)
        }
    }
}
