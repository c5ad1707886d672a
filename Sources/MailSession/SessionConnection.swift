import MailNet
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (and maybe TLS) connection under a protocol session (SMTP, IMAP, POP3): its
/// channel and its protocol's handler. What the three connections do alike is written
/// once here: connecting, registering the waits for a command's replies and writing it,
/// waiting under the deadline, the TLS handshake and its facts, closing. Each client adds
/// its `send` in an extension for its own handler.
package final class SessionConnection<Handler: SessionChannelHandler & ChannelInboundHandler>: @unchecked Sendable {
    package let channel: any Channel
    package let handler: Handler
    /// The longest wait for any one reply, and for the TLS handshake.
    package let replyTimeout: TimeAmount

    private init(channel: any Channel, handler: Handler, replyTimeout: TimeAmount) {
        self.channel = channel
        self.handler = handler
        self.replyTimeout = replyTimeout
    }

    /// Connects `address` with `handler` in the pipeline (behind TLS from the first byte
    /// when `implicitTLS` is given) and registers the wait for the greeting before any
    /// byte can arrive. A connection that cannot be made is the client's
    /// `.session(.connect(…))`, naming `host` and the port.
    package static func connect<Limits>(
        _ handler: Handler, to address: SocketAddress, options: SessionOptions<Limits>, group: any EventLoopGroup,
        implicitTLS: TLSClient?
    ) async throws -> (SessionConnection, EventLoopFuture<Handler.Reply>) {
        do {
            let (channel, greeting) = try await handler.connect(
                to: address, group: group, connectTimeout: .inSeconds(options.connectTimeout), implicitTLS: implicitTLS,
                expectGreeting: { handler.expectGreeting(on: $0) })
            return (SessionConnection(channel: channel, handler: handler, replyTimeout: .inSeconds(options.replyTimeout)), greeting)
        } catch {
            throw Handler.Failure.session(.connect(host: options.host, port: address.port ?? 0, error))
        }
    }

    /// On the event loop: registers the waits `expect` makes (given the TLS handler to
    /// start once the reply says so, for STARTTLS), then writes `bytes`. A connection that
    /// already failed, its handlers gone, reports why or says it is closed.
    package func submit<Reply: Sendable>(
        _ bytes: [UInt8], phase: String, upgrade: TLSClient? = nil,
        expect: @escaping @Sendable (ChannelHandlerContext, NIOSSLClientHandler?) -> [EventLoopFuture<Reply>]
    ) async throws -> [EventLoopFuture<Reply>] {
        let handler = self.handler
        let channel = self.channel
        return try await channel.eventLoop.submit {
            if let failure = handler.link.failure { throw failure }
            guard let context = try? channel.pipeline.syncOperations.context(handler: handler) else {
                throw Handler.Failure.session(.connectionClosed(phase: phase))
            }
            let replies = expect(context, try upgrade?.makeHandler())
            if let upgrade {
                handler.link.tls = upgrade
                handler.link.handshake = channel.eventLoop.makePromise(of: Void.self)
            }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            return replies
        }.get()
    }

    /// Waits for what the server owes (a reply, the greeting) under the core's one
    /// deadline; when it passes, the connection fails with the timeout on its event loop,
    /// so every later wait on it says so too.
    package func awaitReply<T: Sendable>(_ future: EventLoopFuture<T>, phase: String, timeout: TimeAmount? = nil) async throws -> T {
        let seconds = Double((timeout ?? replyTimeout).nanoseconds) / 1e9
        return try await handler.awaitUnderDeadline(future, on: channel, seconds: seconds) {
            Handler.Failure.session(.timeout(phase: phase, seconds: $0))
        }
    }

    /// Waits for the TLS handshake (from the first byte, or the one STARTTLS's answer
    /// started), with the reply timeout: a port that takes TCP and never finishes the
    /// handshake is `tls-handshake-timeout`, not a silent greeting.
    package func waitForHandshake() async throws {
        try await handler.awaitHandshake(on: channel, seconds: Double(replyTimeout.nanoseconds) / 1e9) {
            Handler.Failure.session(.timeout(phase: TLSPhase.handshake, seconds: $0))
        }
    }

    /// The TLS facts of the connection, read while the session goes on: a session that
    /// has just finished its handshake writes its next command first and takes these
    /// facts when that command's reply is in, so reading the certificates costs no time
    /// between them.
    package func tlsDetailsMeanwhile() -> Task<TLSDetails?, Never> {
        let handler = self.handler, channel = self.channel
        return Task { (try? await channel.eventLoop.submit { handler.link.tls?.facts(on: channel) }.get())??.details }
    }

    /// Writes bytes that want no answer worth a round trip (QUIT, LOGOUT), and waits only
    /// for them to leave.
    package func write(_ bytes: [UInt8]) async {
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    package func close() async {
        try? await channel.close().get()
    }
}

extension TimeAmount {
    /// Seconds as options give them, to the millisecond.
    static func inSeconds(_ value: Double) -> TimeAmount { .milliseconds(Int64(value * 1000)) }
}
