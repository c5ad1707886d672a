import MailNet
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One TCP (and maybe TLS) connection to an SMTP server, with an async request/reply API.
final class SMTPConnection: @unchecked Sendable {
    let channel: any Channel
    let handler: SMTPReplyHandler
    let replyTimeout: TimeAmount

    private init(channel: any Channel, handler: SMTPReplyHandler, replyTimeout: TimeAmount) {
        self.channel = channel
        self.handler = handler
        self.replyTimeout = replyTimeout
    }

    /// Connects and registers the wait for the greeting before any byte can arrive.
    static func connect(host: String, address: SocketAddress, group: any EventLoopGroup, connectTimeout: TimeAmount,
                        replyTimeout: TimeAmount, limits: SMTPLimits,
                        implicitTLS: TLSClient?, tls: TLSClient?) async throws -> (SMTPConnection, EventLoopFuture<SMTPReply>) {
        let handler = SMTPReplyHandler(limits: limits, tls: tls)
        do {
            let (channel, greeting) = try await handler.connect(to: address, group: group, connectTimeout: connectTimeout,
                                                                implicitTLS: implicitTLS) { handler.expect("greeting", on: $0) }
            return (SMTPConnection(channel: channel, handler: handler, replyTimeout: replyTimeout), greeting)
        } catch {
            throw SMTPClientError.connect(host: host, port: address.port ?? 0, error)
        }
    }

    /// Sends bytes and waits for the next reply.
    func send(_ bytes: [UInt8], phase: String, upgrade: TLSClient? = nil, timeout: TimeAmount? = nil) async throws -> SMTPReply {
        let handler = self.handler
        let timeout = timeout ?? replyTimeout
        let channel = self.channel
        let future: EventLoopFuture<SMTPReply> = try await channel.eventLoop.submit {
            // A connection that already failed (its handlers gone) reports why.
            if let failure = handler.failure { throw failure }
            guard let context = try? channel.pipeline.syncOperations.context(handler: handler) else {
                throw SMTPClientError.connectionClosed(phase: phase)
            }
            let reply = handler.expect(phase, on: context, upgrade: try upgrade?.makeHandler())
            if upgrade != nil { handler.handshake = channel.eventLoop.makePromise(of: Void.self) }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            return reply
        }.get()
        return try await awaitReply(future, phase: phase, timeout: timeout)
    }

    /// Sends several commands in one write and waits for their replies in order (ESMTP
    /// PIPELINING, RFC 2920): one round trip instead of one per command.
    func sendPipelined(_ commands: [(bytes: [UInt8], phase: String)]) async throws -> [SMTPReply] {
        let handler = self.handler
        let channel = self.channel
        let futures: [EventLoopFuture<SMTPReply>] = try await channel.eventLoop.submit {
            if let failure = handler.failure { throw failure }
            guard let context = try? channel.pipeline.syncOperations.context(handler: handler) else {
                throw SMTPClientError.connectionClosed(phase: commands.first?.phase ?? "the session")
            }
            let replies = commands.map { handler.expect($0.phase, on: context) }
            var buffer = ByteBuffer()
            for c in commands { buffer.writeBytes(c.bytes) }
            channel.writeAndFlush(buffer, promise: nil)
            return replies
        }.get()
        var replies: [SMTPReply] = []
        for (future, command) in zip(futures, commands) {
            replies.append(try await awaitReply(future, phase: command.phase))
        }
        return replies
    }

    /// Waits for what the server owes (a reply, the greeting, the TLS handshake) under
    /// MailNet's one deadline; when it passes, the connection fails with the timeout on
    /// its event loop, so every later wait on it says so too.
    func awaitReply<T: Sendable>(_ future: EventLoopFuture<T>, phase: String, timeout: TimeAmount? = nil) async throws -> T {
        let seconds = Double((timeout ?? replyTimeout).nanoseconds) / 1e9
        return try await handler.awaitUnderDeadline(future, on: channel, seconds: seconds) { SMTPClientError.timeout(phase: phase, seconds: $0) }
    }

    /// Waits for the TLS handshake (from the first byte, or the one a STARTTLS 220
    /// started), with the reply timeout: a port that takes TCP and never finishes the
    /// handshake is `tls-handshake-timeout`, not a silent greeting.
    func waitForHandshake() async throws {
        try await handler.awaitHandshake(on: channel, seconds: Double(replyTimeout.nanoseconds) / 1e9) {
            SMTPClientError.timeout(phase: TLSPhase.handshake, seconds: $0)
        }
    }

    /// The TLS facts of the connection, when it is encrypted.
    func tlsDetails() async -> TLSDetails? {
        await handler.tls?.details(of: channel)
    }

    /// Writes bytes that want no reply (QUIT), and waits only for them to leave.
    func write(_ bytes: [UInt8]) async {
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    func close() async {
        try? await channel.close().get()
    }
}
