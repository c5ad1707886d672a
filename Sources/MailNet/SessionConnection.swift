import NIOCore
import NIOSSL

/// One TCP (and maybe TLS) connection under a protocol session (SMTP, IMAP, POP3): its
/// channel and handler. What the three connections do alike is written once here:
/// registering the waits for a command's replies and writing it, waiting under the
/// deadline, the TLS handshake and its facts, closing. Each client says how its
/// handler expects a reply.
public protocol SessionConnection: AnyObject, Sendable {
    associatedtype Handler: SessionChannelHandler
    var channel: any Channel { get }
    var handler: Handler { get }
    /// The longest wait for any one reply, and for the TLS handshake.
    var replyTimeout: TimeAmount { get }
}

extension SessionConnection {
    /// On the event loop: registers the waits `expect` makes (given the TLS handler to
    /// start once the reply says so, for STARTTLS), then writes `bytes`. A connection that
    /// already failed, its handlers gone, reports why or says it is closed.
    public func submit<Reply: Sendable>(
        _ bytes: [UInt8], phase: String, upgrade: TLSClient? = nil,
        expect: @escaping @Sendable (ChannelHandlerContext, NIOSSLClientHandler?) -> [EventLoopFuture<Reply>]
    ) async throws -> [EventLoopFuture<Reply>] {
        let handler = self.handler
        let channel = self.channel
        return try await channel.eventLoop.submit {
            if let failure = handler.failure { throw failure }
            guard let context = try? channel.pipeline.syncOperations.context(handler: handler) else {
                throw Handler.connectionClosed(phase: phase)
            }
            let replies = expect(context, try upgrade?.makeHandler())
            if let upgrade {
                handler.tls = upgrade
                handler.handshake = channel.eventLoop.makePromise(of: Void.self)
            }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            return replies
        }.get()
    }

    /// Waits for what the server owes (a reply, the greeting) under MailNet's one
    /// deadline; when it passes, the connection fails with the timeout on its event loop,
    /// so every later wait on it says so too.
    public func awaitReply<T: Sendable>(_ future: EventLoopFuture<T>, phase: String, timeout: TimeAmount? = nil) async throws -> T {
        let seconds = Double((timeout ?? replyTimeout).nanoseconds) / 1e9
        return try await handler.awaitUnderDeadline(future, on: channel, seconds: seconds) { Handler.timedOut(phase: phase, seconds: $0) }
    }

    /// Waits for the TLS handshake (from the first byte, or the one STARTTLS's answer
    /// started), with the reply timeout: a port that takes TCP and never finishes the
    /// handshake is `tls-handshake-timeout`, not a silent greeting.
    public func waitForHandshake() async throws {
        try await handler.awaitHandshake(on: channel, seconds: Double(replyTimeout.nanoseconds) / 1e9) {
            Handler.timedOut(phase: TLSPhase.handshake, seconds: $0)
        }
    }

    /// The TLS facts of the connection, when it is encrypted.
    public func tlsDetails() async -> TLSDetails? {
        let handler = self.handler, channel = self.channel
        return (try? await channel.eventLoop.submit { handler.tls?.facts(on: channel) }.get())??.details
    }

    /// ``tlsDetails()`` made while the session goes on: a session that has just finished
    /// its handshake writes its next command first and takes these facts when that
    /// command's reply is in, so reading the certificates costs no time between them.
    public func tlsDetailsMeanwhile() -> Task<TLSDetails?, Never> {
        Task { await tlsDetails() }
    }

    public func close() async {
        try? await channel.close().get()
    }
}
