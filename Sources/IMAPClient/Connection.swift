import MailNet
import MailSession
import NIOCore

/// One TCP (and maybe TLS) connection to an IMAP server: the session core's connection
/// with IMAP's response handler, and IMAP's command/reply steps.
typealias IMAPConnection = SessionConnection<IMAPResponseHandler>

extension SessionConnection where Handler == IMAPResponseHandler {
    /// Sends bytes and waits for the reply that ends with the tagged response (or a
    /// continuation request).
    func send(_ bytes: [UInt8], tag: String, phase: String, byeExpected: Bool = false, upgrade: TLSClient? = nil,
              timeout: TimeAmount? = nil) async throws -> IMAPReply {
        let handler = self.handler
        let futures = try await submit(bytes, phase: phase, upgrade: upgrade) { context, tls in
            [handler.expect(phase, .completion(tag: tag, byeExpected: byeExpected), on: context, upgrade: tls)]
        }
        return try await awaitReply(futures[0], phase: phase, timeout: timeout)
    }

}

/// One IMAP command waiting to go out with others.
struct IMAPPipelined: Sendable {
    var bytes: [UInt8]
    var tag: String
    var phase: String
}

extension SessionConnection where Handler == IMAPResponseHandler {

    /// Sends several commands in one write, without waiting between them (RFC 9051 §5.5),
    /// and returns the wait for each one's reply, in order. Await them with ``awaitReply``.
    func send(pipelined commands: [IMAPPipelined]) async throws -> [EventLoopFuture<IMAPReply>] {
        let handler = self.handler
        return try await submit(commands.flatMap(\.bytes), phase: commands.first?.phase ?? "the session") { context, _ in
            commands.map { handler.expect($0.phase, .completion(tag: $0.tag, byeExpected: false), on: context) }
        }
    }
}
