import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// A server child channel with ``ConnectionGuard`` in front of the base channel's
/// handlers (TLS and HTTP), and ``RequestHeadWatch`` and the fast path for cached
/// answers (``CachedAnswerHandler``) right behind its HTTP decoder.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let limits: ConnectionLimits
    let stats: ConnectionStats
    var cachedAnswers: CachedAnswers?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connectionGuard = ConnectionGuard(limits: limits, stats: stats)
        let stats = self.stats, cachedAnswers = self.cachedAnswers
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(connectionGuard)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let watch = RequestHeadWatch(guard: connectionGuard, stats: stats)
            try pipeline.addHandler(watch, position: .after(decoder))
            if let cachedAnswers { try pipeline.addHandler(CachedAnswerHandler(cachedAnswers), position: .after(watch)) }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
