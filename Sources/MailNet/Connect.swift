import NIOCore
import NIOPosix
import NIOSSL

/// Opens a TCP connection to `host`:`port` within `timeout` seconds, trying each address
/// `resolver` gives in turn; with `tls`, TLS from the first byte with the certificate
/// checked as `tls` says; then the protocol's own `handlers`. The channel comes wrapped
/// for async reading and writing. Shared by the https fetch and the IMAP/POP3 probes.
///
/// A host without addresses throws ``ResolveFailure``; a connection that cannot be made
/// throws the last address's ``ConnectFailure``; TLS that fails later, on the first read
/// or write, is named by ``TLSClient/failure(for:)``.
public func connectChannel<Inbound: Sendable, Outbound: Sendable>(
    host: String, port: Int, resolver: any AddressResolver = SystemResolver(), tls: TLSClient?, timeout: Double,
    handlers: @escaping @Sendable (ChannelPipeline.SynchronousOperations) throws -> Void = { _ in }
) async throws -> NIOAsyncChannel<Inbound, Outbound> {
    let addresses = try await resolver.resolve(host: host, port: port, timeout: timeout)
    var last: ConnectFailure = .other("no address for \(host)")
    for address in addresses {
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(timeout * 1000)))
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls { try pipeline.addHandler(tls.makeHandler()) }
                        try handlers(pipeline)
                        return try NIOAsyncChannel<Inbound, Outbound>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            guard let failure = ConnectFailure.classify(error, timeout: timeout) else { throw error }
            last = failure
        }
    }
    throw last
}
