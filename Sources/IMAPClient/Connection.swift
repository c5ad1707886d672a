import MailNet
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (and maybe TLS) connection to an IMAP server, with an async command/reply API.
final class IMAPConnection: @unchecked Sendable {
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
                        implicitTLS: TLSClient?, tls: TLSClient?) async throws -> (IMAPConnection, EventLoopFuture<IMAPReply>) {
        let handler = IMAPResponseHandler(limits: limits, tls: tls)
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
        let channel = self.channel
        let future: EventLoopFuture<IMAPReply> = try await channel.eventLoop.submit {
            if let failure = handler.failure { throw failure }
            guard let context = try? channel.pipeline.syncOperations.context(handler: handler) else {
                throw IMAPClientError.connectionClosed(phase: phase)
            }
            let reply = handler.expect(.completion(tag: tag, byeExpected: byeExpected), phase: phase, on: context,
                                       upgrade: try upgrade?.makeHandler())
            if upgrade != nil { handler.handshake = channel.eventLoop.makePromise(of: Void.self) }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            return reply
        }.get()
        return try await awaitReply(future, phase: phase, timeout: timeout)
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
        let channel = self.channel
        let phase = commands.first?.phase ?? "the session"
        return try await channel.eventLoop.submit {
            if let failure = handler.failure { throw failure }
            guard let context = try? channel.pipeline.syncOperations.context(handler: handler) else {
                throw IMAPClientError.connectionClosed(phase: phase)
            }
            let replies = commands.map { handler.expect(.completion(tag: $0.tag, byeExpected: false), phase: $0.phase, on: context) }
            channel.writeAndFlush(ByteBuffer(bytes: commands.flatMap(\.bytes)), promise: nil)
            return replies
        }.get()
    }

    /// Waits for what the server owes under MailNet's one deadline; when it passes, the
    /// connection fails with the timeout, so every later wait on it says so too.
    func awaitReply<T: Sendable>(_ future: EventLoopFuture<T>, phase: String, timeout: TimeAmount? = nil) async throws -> T {
        let seconds = Double((timeout ?? replyTimeout).nanoseconds) / 1e9
        return try await handler.awaitUnderDeadline(future, on: channel, seconds: seconds) { IMAPClientError.timeout(phase: phase, seconds: $0) }
    }

    /// Waits for the TLS handshake that STARTTLS's tagged OK started.
    func waitForHandshake() async throws {
        try await handler.awaitHandshake(on: channel, seconds: Double(replyTimeout.nanoseconds) / 1e9) {
            IMAPClientError.timeout(phase: TLSPhase.handshake, seconds: $0)
        }
    }

    func tlsDetails() async -> TLSDetails? {
        await handler.tls?.details(of: channel)
    }

    func close() async {
        try? await channel.close().get()
    }
}
