import MailNet
import MailSession
import NIOCore

/// One TCP (and maybe TLS) connection to a POP3 server: the session core's connection
/// with POP3's response handler, and POP3's request/response step.
typealias POP3Connection = SessionConnection<POP3ResponseHandler>

extension SessionConnection where Handler == POP3ResponseHandler {
    /// Sends bytes and waits for the next response, read in the form given.
    func send(_ bytes: [UInt8], phase: String, form: POP3ResponseForm = .singleLine, upgrade: TLSClient? = nil,
              timeout: TimeAmount? = nil) async throws -> POP3Response {
        let handler = self.handler
        let futures = try await submit(bytes, phase: phase, upgrade: upgrade) { context, tls in
            [handler.expect(phase, form: form, on: context, upgrade: tls)]
        }
        return try await awaitReply(futures[0], phase: phase, timeout: timeout)
    }
}
