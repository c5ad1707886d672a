import MailNet
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (and maybe TLS) connection to a POP3 server, with an async request/response API.
final class POP3Connection: SessionConnection, @unchecked Sendable {
    let channel: any Channel
    let handler: POP3ResponseHandler
    let replyTimeout: TimeAmount

    private init(channel: any Channel, handler: POP3ResponseHandler, replyTimeout: TimeAmount) {
        self.channel = channel
        self.handler = handler
        self.replyTimeout = replyTimeout
    }

    /// Connects and registers the wait for the greeting before any byte can arrive.
    static func connect(host: String, address: SocketAddress, group: any EventLoopGroup, connectTimeout: TimeAmount,
                        replyTimeout: TimeAmount, limits: POP3Limits,
                        implicitTLS: TLSClient?) async throws -> (POP3Connection, EventLoopFuture<POP3Response>) {
        let handler = POP3ResponseHandler(limits: limits, tls: implicitTLS)
        do {
            let (channel, greeting) = try await handler.connect(to: address, group: group, connectTimeout: connectTimeout,
                                                                implicitTLS: implicitTLS) { handler.expect("greeting", form: .singleLine, on: $0) }
            return (POP3Connection(channel: channel, handler: handler, replyTimeout: replyTimeout), greeting)
        } catch {
            throw POP3ClientError.connect(host: host, port: address.port ?? 0, error)
        }
    }

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
