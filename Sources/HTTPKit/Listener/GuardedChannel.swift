import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// A listener's child channel: ``ConnectionGuard`` first, then the TLS handler when the
/// listener has one, then the HTTP handlers, with ``RequestHeadWatch`` right behind the
/// HTTP decoder, and behind it the listener's fast path when it has one (serve's cached
/// answers).
struct GuardedChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let limits: ConnectionLimits
    let stats: ConnectionStats
    /// Makes the connection's TLS handler (in front of HTTP); nil: plain HTTP.
    var tls: (@Sendable () -> any ChannelHandler)?
    /// Makes a handler that sees requests before the router does; nil: none.
    var fastPath: (@Sendable () -> any ChannelHandler)?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connectionGuard = ConnectionGuard(limits: limits, stats: stats)
        let stats = self.stats, tls = self.tls, fastPath = self.fastPath
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(connectionGuard)
            if let tls { try channel.pipeline.syncOperations.addHandler(tls()) }
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let watch = RequestHeadWatch(guard: connectionGuard, stats: stats)
            try pipeline.addHandler(watch, position: .after(decoder))
            if let fastPath { try pipeline.addHandler(fastPath(), position: .after(watch)) }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
