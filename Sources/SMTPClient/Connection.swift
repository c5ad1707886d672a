import MailNet
import MailSession
import NIOCore

/// One TCP (and maybe TLS) connection to an SMTP server: the session core's connection
/// with SMTP's reply handler, and SMTP's request/reply steps.
typealias SMTPConnection = SessionConnection<SMTPReplyHandler>

extension SessionConnection where Handler == SMTPReplyHandler {
    /// Sends bytes and waits for the next reply.
    func send(_ bytes: [UInt8], phase: String, upgrade: TLSClient? = nil, timeout: TimeAmount? = nil) async throws -> SMTPReply {
        let handler = self.handler
        let futures = try await submit(bytes, phase: phase, upgrade: upgrade) { context, tls in
            [handler.expect(phase, (), on: context, upgrade: tls)]
        }
        return try await awaitReply(futures[0], phase: phase, timeout: timeout)
    }

    /// Sends several commands in one write and waits for their replies in order (ESMTP
    /// PIPELINING, RFC 2920): one round trip instead of one per command.
    func sendPipelined(_ commands: [(bytes: [UInt8], phase: String)]) async throws -> [SMTPReply] {
        let handler = self.handler
        let phases = commands.map(\.phase)
        let futures = try await submit(commands.flatMap(\.bytes), phase: phases.first ?? "the session") { context, _ in
            phases.map { handler.expect($0, (), on: context) }
        }
        var replies: [SMTPReply] = []
        for (future, phase) in zip(futures, phases) {
            replies.append(try await awaitReply(future, phase: phase))
        }
        return replies
    }
}
