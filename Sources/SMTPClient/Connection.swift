import MailNet
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// The channel handler under a session: decodes replies and hands each to the command
/// waiting for it. Runs on the channel's event loop only.
/// Confined to its channel's event loop: every method and timer runs there.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    struct Waiter {
        var promise: EventLoopPromise<SMTPReply>
        var phase: String
        var timeout: Scheduled<Void>?
        /// For STARTTLS: the TLS handler to put in front of this one when the 220 arrives.
        var upgrade: NIOSSLClientHandler?
    }

    private var decoder: ReplyDecoder
    private var waiters: [Waiter] = []
    /// The error that ended the connection, once there is one (read on the event loop).
    private(set) var failure: SMTPClientError?
    var handshake: EventLoopPromise<Void>?
    /// This connection's TLS (from the first byte or after STARTTLS), to name its failures.
    let tls: TLSClient?
    var verification: CertificateCheck? { tls?.verification }

    init(limits: SMTPLimits, tls: TLSClient?) {
        decoder = ReplyDecoder(limits: limits)
        self.tls = tls
    }

    /// Registers interest in the next reply. Call on the event loop, before writing the command.
    func expect(_ phase: String, timeout: TimeAmount, on context: ChannelHandlerContext,
                upgrade: NIOSSLClientHandler? = nil) -> EventLoopFuture<SMTPReply> {
        let promise = context.eventLoop.makePromise(of: SMTPReply.self)
        if let failure {
            promise.fail(failure)
            return promise.futureResult
        }
        let seconds = Double(timeout.nanoseconds) / 1e9
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let scheduled = context.eventLoop.scheduleTask(in: timeout) { [weak self] () -> Void in
            guard let self else { return }
            self.fail(.timeout(phase: phase, seconds: seconds), context: bound.value)
        }
        waiters.append(Waiter(promise: promise, phase: phase, timeout: scheduled, upgrade: upgrade))
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies: [SMTPReply]
        do {
            replies = try decoder.feed(buffer.readableBytesView)
        } catch {
            fail(.protocolViolation(phase: waiters.first?.phase ?? "the session", error), context: context)
            return
        }
        for (i, reply) in replies.enumerated() {
            guard !waiters.isEmpty else {
                fail(.unsolicitedReply(reply), context: context)
                return
            }
            let waiter = waiters.removeFirst()
            waiter.timeout?.cancel()
            if let tls = waiter.upgrade, reply.code == 220 {
                // Anything after the 220 in this read came before the handshake: injected.
                let later = replies[(i + 1)...].reduce(0) { sum, r in sum + r.lines.reduce(0) { $0 + 6 + $1.utf8.count } }
                let extra = later + decoder.bufferedByteCount
                if extra > 0 || decoder.hasPartialData {
                    waiter.promise.fail(SMTPClientError.startTLSInjection(bytes: extra))
                    fail(.startTLSInjection(bytes: extra), context: context)
                    return
                }
                do {
                    // Same event-loop turn as the 220: every later byte goes through TLS.
                    try context.pipeline.syncOperations.addHandler(tls, position: .before(self))
                } catch {
                    waiter.promise.fail(SMTPClientError.tls(.handshakeFailed("\(error)")))
                    fail(.tls(.handshakeFailed("\(error)")), context: context)
                    return
                }
            }
            waiter.promise.succeed(reply)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            handshake?.succeed(())
            handshake = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let e = error as? SMTPClientError {
            fail(e, context: context)
        } else if let failure = tls?.failure(for: error) {
            fail(.tls(failure), context: context)
        } else {
            fail(.connectionClosed(phase: waiters.first?.phase ?? "the session"), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(phase: waiters.first?.phase ?? handshakePhase), context: context)
        context.fireChannelInactive()
    }

    private var handshakePhase: String { handshake == nil ? "the session" : "the TLS handshake" }

    func fail(_ error: SMTPClientError, context: ChannelHandlerContext) {
        if failure == nil { failure = error }
        let pending = waiters
        waiters = []
        for w in pending {
            w.timeout?.cancel()
            w.promise.fail(error)
        }
        handshake?.fail(error)
        handshake = nil
        context.close(promise: nil)
    }
}

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
        let greeting = GreetingBox()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = implicitTLS { try channel.pipeline.syncOperations.addHandler(try tls.makeHandler()) }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    let context = try channel.pipeline.syncOperations.context(handler: handler)
                    greeting.future = handler.expect("greeting", timeout: replyTimeout, on: context)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(to: address).get()
        } catch {
            let seconds = Double(connectTimeout.nanoseconds) / 1e9
            throw SMTPClientError.connect(host: host, port: address.port ?? 0,
                                          ConnectFailure.classify(error, timeout: seconds) ?? .other("\(error)"))
        }
        return (SMTPConnection(channel: channel, handler: handler, replyTimeout: replyTimeout), greeting.future!)
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
            let reply = handler.expect(phase, timeout: timeout, on: context, upgrade: try upgrade?.makeHandler())
            if upgrade != nil { handler.handshake = channel.eventLoop.makePromise(of: Void.self) }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            return reply
        }.get()
        return try await future.get()
    }

    /// Waits for the TLS handshake that a STARTTLS 220 started, with the reply timeout.
    func waitForHandshake() async throws {
        let handler = self.handler
        let channel = self.channel
        let timeout = replyTimeout
        let future: EventLoopFuture<Void> = try await channel.eventLoop.submit {
            if let failure = handler.failure { return channel.eventLoop.makeFailedFuture(failure) }
            guard let promise = handler.handshake else { return channel.eventLoop.makeSucceededVoidFuture() }
            let scheduled = channel.eventLoop.scheduleTask(in: timeout) {
                promise.fail(SMTPClientError.timeout(phase: "the TLS handshake", seconds: Double(timeout.nanoseconds) / 1e9))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in scheduled.cancel() }
            return promise.futureResult
        }.get()
        try await future.get()
    }

    /// The TLS facts of the connection, when it is encrypted.
    func tlsDetails() async -> TLSDetails? {
        let channel = self.channel
        let verification = handler.verification
        return try? await channel.eventLoop.submit { () -> TLSDetails? in
            guard let tls = try? channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self) else { return nil }
            let der = tls.peerCertificate.flatMap { try? $0.toDERBytes() }
            return TLSDetails(version: tls.tlsVersion.map(TLSDetails.name), verified: verification != nil,
                              certificate: der.flatMap(CertificateInfo.init(der:)), chain: verification?.chain ?? [])
        }.get()
    }

    func close() async {
        try? await channel.close().get()
    }
}

/// Carries the greeting future out of the channel initializer.
private final class GreetingBox: @unchecked Sendable {
    var future: EventLoopFuture<SMTPReply>?
}

