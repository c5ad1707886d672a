import NIOCore
import NIOPosix
import NIOSSL

/// Opens a TCP connection to `address`:`port` within `timeout` seconds; with `tls`, TLS
/// from the first byte with the certificate checked as `tls` says; then the protocol's
/// own `handlers`. The channel comes wrapped for async reading and writing. Shared by the
/// https fetch and the IMAP/POP3 greeting probes.
///
/// A connection that cannot be made throws ``ConnectFailure``; TLS that fails later, on
/// the first read or write, is named by ``TLSClient/failure(for:)``.
public func connectChannel<Inbound: Sendable, Outbound: Sendable>(
    to address: String, port: Int, tls: TLSClient?, timeout: Double,
    handlers: @escaping @Sendable (ChannelPipeline.SynchronousOperations) throws -> Void = { _ in }
) async throws -> NIOAsyncChannel<Inbound, Outbound> {
    do {
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .connect(host: address, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(tls.makeHandler()) }
                    try handlers(pipeline)
                    return try NIOAsyncChannel<Inbound, Outbound>(wrappingChannelSynchronously: channel)
                }
            }
    } catch {
        if let failure = ConnectFailure.classify(error, timeout: timeout) { throw failure }
        throw error
    }
}
