import MailNet
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (and maybe TLS) connection to an IMAP server, with an async command/reply API.
final class IMAPConnection: SessionConnection, @unchecked Sendable {
    let channel: any Channel
    let handler: IMAPResponseHandler
    let replyTimeout: TimeAmount

    private init(channel: any Channel, handler: IMAPResponseHandler, replyTimeout: TimeAmount) {
        self.channel = channel
        self.handler = handler
        self.replyTimeout = replyTimeout
    }

    /// Connects and registers the wait for the greeting before any byte can arrive.
    static func connect(host: String, address: SocketAddress, group: any EventLoopGroup, connectTimeout: TimeAmount,
                        replyTimeout: TimeAmount, limits: IMAPLimits,
                        implicitTLS: TLSClient?) async throws -> (IMAPConnection, EventLoopFuture<IMAPReply>) {
        let handler = IMAPResponseHandler(limits: limits, tls: implicitTLS)
        do {
            let (channel, greeting) = try await handler.connect(to: address, group: group, connectTimeout: connectTimeout,
                                                                implicitTLS: implicitTLS) { handler.expect(.greeting, phase: "greeting", on: $0) }
            return (IMAPConnection(channel: channel, handler: handler, replyTimeout: replyTimeout), greeting)
        } catch {
            throw IMAPClientError.connect(host: host, port: address.port ?? 0, error)
        }
    }

    /// Sends bytes and waits for the reply that ends with the tagged response (or a
    /// continuation request).
    func send(_ bytes: [UInt8], tag: String, phase: String, byeExpected: Bool = false, upgrade: TLSClient? = nil,
              timeout: TimeAmount? = nil) async throws -> IMAPReply {
        let handler = self.handler
        let futures = try await submit(bytes, phase: phase, upgrade: upgrade) { context, tls in
            [handler.expect(.completion(tag: tag, byeExpected: byeExpected), phase: phase, on: context, upgrade: tls)]
        }
        return try await awaitReply(futures[0], phase: phase, timeout: timeout)
    }

    /// One command waiting to go out with others.
    struct Pipelined: Sendable {
        var bytes: [UInt8]
        var tag: String
        var phase: String
    }

    /// Sends several commands in one write, without waiting between them (RFC 9051 §5.5),
    /// and returns the wait for each one's reply, in order. Await them with ``awaitReply``.
    func send(pipelined commands: [Pipelined]) async throws -> [EventLoopFuture<IMAPReply>] {
        let handler = self.handler
        return try await submit(commands.flatMap(\.bytes), phase: commands.first?.phase ?? "the session") { context, _ in
            commands.map { handler.expect(.completion(tag: $0.tag, byeExpected: false), phase: $0.phase, on: context) }
        }
    }
}
