import MailNet
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One TCP (and maybe TLS) connection to an SMTP server, with an async request/reply API.
final class SMTPConnection: SessionConnection, @unchecked Sendable {
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
                        implicitTLS: TLSClient?) async throws -> (SMTPConnection, EventLoopFuture<SMTPReply>) {
        let handler = SMTPReplyHandler(limits: limits, tls: implicitTLS)
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
        let futures = try await submit(bytes, phase: phase, upgrade: upgrade) { context, tls in
            [handler.expect(phase, on: context, upgrade: tls)]
        }
        return try await awaitReply(futures[0], phase: phase, timeout: timeout)
    }

    /// Sends several commands in one write and waits for their replies in order (ESMTP
    /// PIPELINING, RFC 2920): one round trip instead of one per command.
    func sendPipelined(_ commands: [(bytes: [UInt8], phase: String)]) async throws -> [SMTPReply] {
        let handler = self.handler
        let phases = commands.map(\.phase)
        let futures = try await submit(commands.flatMap(\.bytes), phase: phases.first ?? "the session") { context, _ in
            phases.map { handler.expect($0, on: context) }
        }
        var replies: [SMTPReply] = []
        for (future, phase) in zip(futures, phases) {
            replies.append(try await awaitReply(future, phase: phase))
        }
        return replies
    }

    /// Writes bytes that want no reply (QUIT), and waits only for them to leave.
    func write(_ bytes: [UInt8]) async {
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

}
