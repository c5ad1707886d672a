import MailNet
import NIOCore
import NIOSSL
import NIOTLS

/// The channel handler under a session: decodes responses, gathers the untagged ones, and
/// hands each command's reply to the wait for it; a tagged response with a tag nobody
/// waits for is a protocol error. Confined to its channel's event loop.
final class IMAPResponseHandler: ChannelInboundHandler, RemovableChannelHandler, SessionChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    enum Expectation: Equatable {
        /// The first status line (`* OK`, `* PREAUTH`, `* BYE`).
        case greeting
        /// The tagged response with this tag, or a continuation request. `byeExpected`
        /// for LOGOUT, whose answer starts with `* BYE`.
        case completion(tag: String, byeExpected: Bool)
    }

    struct Waiter {
        var promise: EventLoopPromise<IMAPReply>
        var phase: String
        var expectation: Expectation
        /// For STARTTLS: the TLS handler to put in front of this one when the tagged OK arrives.
        var upgrade: NIOSSLClientHandler?
    }

    private var decoder: ResponseDecoder
    private var waiters: [Waiter] = []
    private var untagged: [IMAPResponse] = []
    var failure: IMAPClientError?
    var handshake: EventLoopPromise<Void>?
    var tls: TLSClient?

    init(limits: IMAPLimits, tls: TLSClient?) {
        decoder = ResponseDecoder(limits: limits)
        self.tls = tls
    }

    /// Registers interest in the next reply. Call on the event loop, before writing.
    func expect(_ expectation: Expectation, phase: String, on context: ChannelHandlerContext,
                upgrade: NIOSSLClientHandler? = nil) -> EventLoopFuture<IMAPReply> {
        let promise = context.eventLoop.makePromise(of: IMAPReply.self)
        if let failure {
            promise.fail(failure)
            return promise.futureResult
        }
        waiters.append(Waiter(promise: promise, phase: phase, expectation: expectation, upgrade: upgrade))
        return promise.futureResult
    }

    private var phase: String { waiters.first?.phase ?? "the session" }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let responses: [IMAPResponse]
        do {
            responses = try decoder.feed(buffer.readableBytesView)
        } catch {
            let greeting = waiters.first?.expectation == .greeting
            fail(greeting && error.isMalformed ? .notIMAP(String(describing: error)) : .protocolViolation(phase: phase, error),
                 context: context)
            return
        }
        for (i, response) in responses.enumerated() {
            guard let waiter = waiters.first else {
                // Untagged news between commands waits for the next command's reply.
                if response.tag == nil, case .status = response.kind { untagged.append(response); continue }
                if case .data = response.kind { untagged.append(response); continue }
                fail(.unexpectedResponse(phase: phase, response.line), context: context)
                return
            }
            switch (waiter.expectation, response.kind) {
            case (.greeting, .status(nil, let status, let code, let text)):
                if status == .ok, code == nil, text.hasPrefix("Waiting for authentication process") {
                    // Dovecot's placeholder before its real greeting.
                    untagged.append(response)
                    continue
                }
                complete(with: response)
            case (.greeting, _):
                fail(.notIMAP(response.line), context: context)
                return
            case (.completion(_, let byeExpected), .status(nil, .bye, _, let text)) where !byeExpected:
                fail(.serverBye(phase: waiter.phase, text), context: context)
                return
            case (.completion, .status(nil, _, _, _)), (.completion, .data):
                untagged.append(response)
            case (.completion, .continuation):
                complete(with: response)
            case (.completion(let tag, _), .status(let got?, let status, _, _)):
                guard got == tag else {
                    fail(.tagMismatch(expected: tag, got: got), context: context)
                    return
                }
                if let tls = waiter.upgrade, status == .ok {
                    let later = responses[(i + 1)...].reduce(0) { $0 + $1.line.utf8.count + 2 } + decoder.bufferedByteCount
                    if later > 0 || decoder.hasPartialData {
                        fail(.startTLSInjection(bytes: later), context: context)
                        return
                    }
                    do {
                        // Same event-loop turn as the OK: every later byte goes through TLS.
                        try context.pipeline.syncOperations.addHandler(tls, position: .before(self))
                    } catch {
                        fail(.tls(.handshakeFailed("\(error)")), context: context)
                        return
                    }
                }
                complete(with: response)
            }
        }
    }

    private func complete(with final: IMAPResponse) {
        let waiter = waiters.removeFirst()
        let reply = IMAPReply(untagged: untagged, final: final)
        untagged = []
        waiter.promise.succeed(reply)
    }

    // What every session's handler does with TLS events, errors and the end of the
    // connection is MailNet's (SessionChannelHandler); this handler says how to fail
    // its own waits and how its client names a closed connection and a TLS failure.
    var waitingPhase: String? { waiters.first?.phase }

    func failWaits(_ error: IMAPClientError) {
        let pending = waiters
        waiters = []
        for w in pending { w.promise.fail(error) }
    }

    static func connectionClosed(phase: String) -> IMAPClientError { .connectionClosed(phase: phase) }
    static func tlsFailed(_ failure: TLSFailure) -> IMAPClientError { .tls(failure) }
    static func timedOut(phase: String, seconds: Double) -> IMAPClientError { .timeout(phase: phase, seconds: seconds) }
}

extension IMAPResponseError {
    var isMalformed: Bool { if case .malformed = self { return true } else { return false } }
}
