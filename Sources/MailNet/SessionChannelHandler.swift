import NIOCore

/// The channel handler under a protocol session (SMTP, IMAP, POP3): it ends the
/// connection with the client's own error, and tracks the TLS handshake a session waits
/// for. What the three sessions wait with is written once here, over this.
public protocol SessionChannelHandler: ChannelHandler, AnyObject, Sendable {
    associatedtype Failure: Error
    /// The error that ended the connection, once there is one (read on the event loop).
    var failure: Failure? { get }
    /// The TLS handshake under way, from the first byte or after STARTTLS (event loop only).
    var handshake: EventLoopPromise<Void>? { get }
    /// Fails every wait and closes the connection (on the event loop).
    func fail(_ error: Failure, context: ChannelHandlerContext)
}

extension SessionChannelHandler {
    /// Waits for what the server owes (a reply, the greeting, the handshake) under
    /// MailNet's one deadline; when it passes, the connection fails with `timedOut`'s
    /// error on its event loop, so every later wait on it says so too.
    public func awaitUnderDeadline<T: Sendable>(_ future: EventLoopFuture<T>, on channel: any Channel, seconds: Double,
                                                timedOut: @escaping @Sendable (Double) -> Failure) async throws -> T {
        try await withDeadline(seconds, timedOut: {
            let error = timedOut(seconds)
            channel.eventLoop.execute {
                if let context = try? channel.pipeline.syncOperations.context(handler: self) {
                    self.fail(error, context: context)
                } else {
                    channel.close(promise: nil)
                }
            }
            return error
        }) { try await future.get() }
    }

    /// Waits for the TLS handshake under way (none: at once), under the deadline.
    public func awaitHandshake(on channel: any Channel, seconds: Double,
                               timedOut: @escaping @Sendable (Double) -> Failure) async throws {
        let future: EventLoopFuture<Void> = try await channel.eventLoop.submit {
            if let failure = self.failure { return channel.eventLoop.makeFailedFuture(failure) }
            guard let promise = self.handshake else { return channel.eventLoop.makeSucceededVoidFuture() }
            return promise.futureResult
        }.get()
        try await awaitUnderDeadline(future, on: channel, seconds: seconds, timedOut: timedOut)
    }
}
