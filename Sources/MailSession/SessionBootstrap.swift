import MailNet
import NIOCore
import NIOPosix

extension SessionChannelHandler where Self: ChannelInboundHandler {
    /// Connects one address with this handler in the pipeline (behind TLS from the first
    /// byte when `implicitTLS` is given, with the handshake then awaited before the
    /// greeting), and registers the wait for the greeting before any byte can arrive.
    /// A connection that cannot be made is its ``ConnectFailure`` (refused, unreachable,
    /// timed out…), for ``SessionConnection`` to wrap in the client's error.
    package func connect<Greeting: Sendable>(
        to address: SocketAddress, group: any EventLoopGroup, connectTimeout: TimeAmount, implicitTLS: TLSClient?,
        expectGreeting: @escaping @Sendable (ChannelHandlerContext) -> EventLoopFuture<Greeting>
    ) async throws(ConnectFailure) -> (any Channel, EventLoopFuture<Greeting>) {
        let box = GreetingBox<Greeting>()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(QuickAck())
                    if let tls = implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(try tls.makeHandler())
                        self.link.handshake = channel.eventLoop.makePromise(of: Void.self)
                    }
                    try channel.pipeline.syncOperations.addHandler(self)
                    box.future = expectGreeting(try channel.pipeline.syncOperations.context(handler: self))
                }
            }
        do {
            let channel = try await bootstrap.connect(to: address).get()
            guard let greeting = box.future else { throw ChannelError.inappropriateOperationForState }
            return (channel, greeting)
        } catch {
            throw ConnectFailure.classify(error, timeout: Double(connectTimeout.nanoseconds) / 1e9) ?? .other("\(error)")
        }
    }
}

/// The greeting's wait, made in the channel initializer and handed back after connect.
private final class GreetingBox<Greeting>: @unchecked Sendable {
    var future: EventLoopFuture<Greeting>?
}
