import Catalog
import Logging
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// LISTENs on ``channel`` with a connection of its own and calls `changed` at each
    /// notification, and once each time listening (re)starts, for what was missed. When
    /// the connection drops it reconnects with backoff (0.25 s doubling to 4 s), calling
    /// `changed` every `pollInterval` meanwhile, so that a change still arrives by
    /// polling the generation while the listener is away. The caller answers from its
    /// cache throughout, and reports a catalog it cannot read (once per outage).
    public func watchChanges(pollInterval: Duration, logger: Logger, changed: @escaping @Sendable () async -> Void) async {
        var delay = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                let conn = try await connectForListening()
                delay = .milliseconds(250)
                var ended: (any Error)?
                do {
                    try await withTaskCancellationHandler {
                        try await conn.listen(on: Self.channel) { notifications in
                            logger.debug("listening for catalog changes on \(location) (\(Self.channel))")
                            // The server is back: what was missed is read now, not after the
                            // reading connection's own backoff.
                            retryNow()
                            await changed()
                            for try await _ in notifications { await changed() }
                        }
                    } onCancel: {
                        let _: EventLoopFuture<Void> = conn.close()
                    }
                } catch {
                    ended = error
                }
                // postgres-nio asserts that a connection is closed before it goes.
                try? await conn.close()
                if let ended { throw ended }
            } catch {
                if Task.isCancelled { break }
                logger.debug("not listening for catalog changes on \(location): \(reason(for: error)); again in \(delay)")
            }
            let until = ContinuousClock.now + delay
            while !Task.isCancelled {
                await changed()
                let left = until - .now
                guard left > .zero else { break }
                try? await Task.sleep(for: min(pollInterval, left))
            }
            delay = min(delay * 2, .seconds(4))
        }
    }
}
