import NIOCore
import NIOPosix
import NIOSSL

/// Opens a TCP connection to `address`:`port` within `timeout` seconds; with `tls`, TLS
/// from the first byte with the certificate checked against `serverName`; then the
/// protocol's own `handlers`. The channel comes wrapped for async reading and writing.
/// Shared by the https fetch and the IMAP/POP3 greeting probes.
public func connectChannel<Inbound: Sendable, Outbound: Sendable>(
    to address: String, port: Int, tls: NIOSSLContext?, serverName: String, timeout: Double,
    handlers: @escaping @Sendable (ChannelPipeline.SynchronousOperations) throws -> Void = { _ in }
) async throws -> NIOAsyncChannel<Inbound, Outbound> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connectTimeout(.milliseconds(Int64(timeout * 1000)))
        .connect(host: address, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                if let tls { try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                try handlers(pipeline)
                return try NIOAsyncChannel<Inbound, Outbound>(wrappingChannelSynchronously: channel)
            }
        }
}
