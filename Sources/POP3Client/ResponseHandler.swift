import MailNet
import NIOCore
import NIOSSL
import NIOTLS

/// The channel handler under a session: decodes responses and hands each to the command
/// waiting for it. Confined to its channel's event loop: every method runs there.
final class POP3ResponseHandler: ChannelInboundHandler, RemovableChannelHandler, SessionChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    struct Waiter {
        var promise: EventLoopPromise<POP3Response>
        var phase: String
        /// For STLS: the TLS handler to put in front of this one when the `+OK` arrives.
        var upgrade: NIOSSLClientHandler?
    }

    private var decoder: POP3ResponseDecoder
    private var waiters: [Waiter] = []
    /// The error that ended the connection, once there is one (read on the event loop).
    var failure: POP3ClientError?
    var handshake: EventLoopPromise<Void>?
    /// This connection's TLS (from the first byte, or from STLS on), to name its failures.
    var tls: TLSClient?

    init(limits: POP3Limits, tls: TLSClient?) {
        decoder = POP3ResponseDecoder(limits: limits)
        self.tls = tls
    }

    /// Registers interest in the next response, of this form. Call on the event loop,
    /// before writing the command. The wait is bounded by the caller
    /// (``POP3Connection/awaitReply(_:phase:timeout:)``).
    func expect(_ phase: String, form: POP3ResponseForm, on context: ChannelHandlerContext,
                upgrade: NIOSSLClientHandler? = nil) -> EventLoopFuture<POP3Response> {
        let promise = context.eventLoop.makePromise(of: POP3Response.self)
        if let failure {
            promise.fail(failure)
            return promise.futureResult
        }
        decoder.expect(form)
        waiters.append(Waiter(promise: promise, phase: phase, upgrade: upgrade))
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a failure (a timeout, say) the connection is closing: a late response
        // belongs to nobody.
        guard failure == nil else { return }
        let buffer = unwrapInboundIn(data)
        let responses: [POP3Response]
        do {
            responses = try decoder.feed(buffer.readableBytesView)
        } catch {
            fail(.protocolViolation(phase: waiters.first?.phase ?? "the session", error), context: context)
            return
        }
        for response in responses {
            guard !waiters.isEmpty else {
                fail(.protocolViolation(phase: "the session", .unsolicited(bytes: response.statusLine.utf8.count + 2)), context: context)
                return
            }
            let waiter = waiters.removeFirst()
            if let tls = waiter.upgrade, response.isOK {
                // Anything after the +OK in this read came before the handshake: injected.
                let extra = decoder.bufferedByteCount
                if extra > 0 || decoder.hasPartialData {
                    waiter.promise.fail(POP3ClientError.startTLSInjection(bytes: extra))
                    fail(.startTLSInjection(bytes: extra), context: context)
                    return
                }
                do {
                    // Same event-loop turn as the +OK: every later byte goes through TLS.
                    try context.pipeline.syncOperations.addHandler(tls, position: .before(self))
                } catch {
                    waiter.promise.fail(POP3ClientError.tls(.handshakeFailed("\(error)")))
                    fail(.tls(.handshakeFailed("\(error)")), context: context)
                    return
                }
            }
            waiter.promise.succeed(response)
        }
        if !decoder.isExpecting && decoder.bufferedByteCount > 0 {
            fail(.protocolViolation(phase: "the session", .unsolicited(bytes: decoder.bufferedByteCount)), context: context)
        }
    }

    // What every session's handler does with TLS events, errors and the end of the
    // connection is MailNet's (SessionChannelHandler); this handler says how to fail
    // its own waits and how its client names a closed connection and a TLS failure.
    var waitingPhase: String? { waiters.first?.phase }

    func failWaits(_ error: POP3ClientError) {
        let pending = waiters
        waiters = []
        for w in pending { w.promise.fail(error) }
    }

    static func connectionClosed(phase: String) -> POP3ClientError { .connectionClosed(phase: phase) }
    static func tlsFailed(_ failure: TLSFailure) -> POP3ClientError { .tls(failure) }
    static func timedOut(phase: String, seconds: Double) -> POP3ClientError { .timeout(phase: phase, seconds: seconds) }
}
