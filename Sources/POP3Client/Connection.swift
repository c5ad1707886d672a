import MailNet
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (and maybe TLS) connection to a POP3 server, with an async request/response API.
final class POP3Connection: @unchecked Sendable {
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
                        implicitTLS: TLSClient?, tls: TLSClient?) async throws -> (POP3Connection, EventLoopFuture<POP3Response>) {
        let handler = POP3ResponseHandler(limits: limits, tls: tls)
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
        let channel = self.channel
        let future: EventLoopFuture<POP3Response> = try await channel.eventLoop.submit {
            // A connection that already failed (its handlers gone) reports why.
            if let failure = handler.failure { throw failure }
            guard let context = try? channel.pipeline.syncOperations.context(handler: handler) else {
                throw POP3ClientError.connectionClosed(phase: phase)
            }
            let response = handler.expect(phase, form: form, on: context, upgrade: try upgrade?.makeHandler())
            if upgrade != nil { handler.handshake = channel.eventLoop.makePromise(of: Void.self) }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            return response
        }.get()
        return try await awaitResponse(future, phase: phase, timeout: timeout)
    }

    /// Waits for what the server owes (a response, the greeting, the TLS handshake) under
    /// MailNet's one deadline; when it passes, the connection fails with the timeout on
    /// its event loop, so every later wait on it says so too.
    func awaitResponse<T: Sendable>(_ future: EventLoopFuture<T>, phase: String, timeout: TimeAmount? = nil) async throws -> T {
        let seconds = Double((timeout ?? replyTimeout).nanoseconds) / 1e9
        return try await handler.awaitUnderDeadline(future, on: channel, seconds: seconds) { POP3ClientError.timeout(phase: phase, seconds: $0) }
    }

    /// Waits for the TLS handshake that an STLS `+OK` started, with the reply timeout.
    func waitForHandshake() async throws {
        try await handler.awaitHandshake(on: channel, seconds: Double(replyTimeout.nanoseconds) / 1e9) {
            POP3ClientError.timeout(phase: TLSPhase.handshake, seconds: $0)
        }
    }

    /// The TLS facts of the connection, when it is encrypted.
    func tlsDetails() async -> TLSDetails? {
        await handler.tls?.details(of: channel)
    }

    func close() async {
        try? await channel.close().get()
    }
}
