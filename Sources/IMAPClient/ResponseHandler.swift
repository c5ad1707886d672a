import MailNet
import MailSession
import NIOCore
import NIOSSL

/// The channel handler under a session: decodes responses, gathers the untagged ones, and
/// hands each command's reply to the wait for it; a tagged response with a tag nobody
/// waits for is a protocol error. Confined to its channel's event loop.
package final class IMAPResponseHandler: ChannelInboundHandler, RemovableChannelHandler, SessionChannelHandler, @unchecked Sendable {
    package typealias InboundIn = ByteBuffer

    package enum Expectation: Equatable {
        /// The first status line (`* OK`, `* PREAUTH`, `* BYE`).
        case greeting
        /// The tagged response with this tag, or a continuation request. `byeExpected`
        /// for LOGOUT, whose answer starts with `* BYE`.
        case completion(tag: String, byeExpected: Bool)
    }

    package var link: ChannelLink<IMAPReply, IMAPClientError, Expectation>
    private var decoder: ResponseDecoder
    private var untagged: [IMAPResponse] = []

    package init(limits: IMAPLimits, tls: TLSClient?) {
        decoder = ResponseDecoder(limits: limits)
        link = ChannelLink(tls: tls)
    }

    package func expectGreeting(on context: ChannelHandlerContext) -> EventLoopFuture<IMAPReply> {
        expect("greeting", .greeting, on: context)
    }

    private var phase: String { waitingPhase ?? "the session" }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let responses: [IMAPResponse]
        do {
            responses = try decoder.feed(buffer.readableBytesView)
        } catch {
            let greeting = link.waiters.first?.detail == .greeting
            fail(greeting && error.isMalformed ? IMAPClientError.notIMAP(String(describing: error))
                                               : IMAPClientError.protocolViolation(phase: phase, error), context: context)
            return
        }
        for (i, response) in responses.enumerated() {
            guard let waiter = link.waiters.first else {
                // Untagged news between commands waits for the next command's reply.
                if response.tag == nil, case .status = response.kind { untagged.append(response); continue }
                if case .data = response.kind { untagged.append(response); continue }
                fail(IMAPClientError.unexpectedResponse(phase: phase, response.line), context: context)
                return
            }
            switch (waiter.detail, response.kind) {
            case (.greeting, .status(nil, let status, let code, let text)):
                if status == .ok, code == nil, text.hasPrefix("Waiting for authentication process") {
                    // Dovecot's placeholder before its real greeting.
                    untagged.append(response)
                    continue
                }
                complete(with: response)
            case (.greeting, _):
                fail(IMAPClientError.notIMAP(response.line), context: context)
                return
            case (.completion(_, let byeExpected), .status(nil, .bye, _, let text)) where !byeExpected:
                fail(IMAPClientError.serverBye(phase: waiter.phase, text), context: context)
                return
            case (.completion, .status(nil, _, _, _)), (.completion, .data):
                untagged.append(response)
            case (.completion, .continuation):
                complete(with: response)
            case (.completion(let tag, _), .status(let got?, let status, _, _)):
                guard got == tag else {
                    fail(IMAPClientError.tagMismatch(expected: tag, got: got), context: context)
                    return
                }
                // Anything after the OK in this read came before the handshake: injected.
                if let tls = waiter.upgrade, status == .ok {
                    let later = responses[(i + 1)...].reduce(0) { $0 + $1.line.utf8.count + 2 } + decoder.bufferedByteCount
                    guard startTLS(tls, injectedBytes: later, partial: decoder.hasPartialData, failing: nil,
                                   context: context) else { return }
                }
                complete(with: response)
            }
        }
    }

    private func complete(with final: IMAPResponse) {
        let waiter = link.waiters.removeFirst()
        let reply = IMAPReply(untagged: untagged, final: final)
        untagged = []
        waiter.promise.succeed(reply)
    }
}

extension IMAPResponseError {
    var isMalformed: Bool { if case .malformed = self { return true } else { return false } }
}
