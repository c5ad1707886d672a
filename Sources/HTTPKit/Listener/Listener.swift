import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// One HTTP/1.1 listener, as serve's and the admin one are built: its address, each
/// connection behind ``ConnectionLimits`` (``GuardedChannel``), TLS when given, and
/// start-up errors that name this listener's own address and options.
package struct Listener: Sendable {
    package var host: String
    package var port: Int
    package var limits: ConnectionLimits
    package var stats: ConnectionStats
    /// The option that gave the host (named when it is not an address of this machine).
    package var hostOption: String
    /// The option that gave the port, named after it ("port 8081 (--admin)"); nil for
    /// serve's own.
    package var portOption: String?

    package init(host: String, port: Int, limits: ConnectionLimits, stats: ConnectionStats = ConnectionStats(),
                 hostOption: String = "--host", portOption: String? = nil) {
        self.host = host
        self.port = port
        self.limits = limits
        self.stats = stats
        self.hostOption = hostOption
        self.portOption = portOption
    }

    /// HTTP/1.1 behind the limits: the head's size bounded by the decoder, its time and
    /// the idle time by ``ConnectionGuard``.
    /// - tls: makes each connection's TLS handler (``TLSFiles/handlers()``); nil: plain.
    /// - fastPath: makes a handler that may answer before the router (serve's cache).
    package func server(tls: (@Sendable () -> any ChannelHandler)? = nil,
                        fastPath: (@Sendable () -> any ChannelHandler)? = nil) -> HTTPServerBuilder {
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes,
            maxHeaderFieldCount: limits.maxHeaderFields)
        let limits = self.limits, stats = self.stats
        return HTTPServerBuilder { responder in
            GuardedChannel(base: HTTP1Channel(responder: responder, configuration: .init(httpDecoderConfiguration: decoder)),
                           limits: limits, stats: stats, tls: tls, fastPath: fastPath)
        }
    }

    /// Hummingbird's application on this address.
    package func application<Router: HTTPResponderBuilder>(
        router: Router, server: HTTPServerBuilder, serverName: String, services: [any Service] = [],
        logger: Logger, onRunning: @escaping @Sendable (_ port: Int) async -> Void
    ) -> Application<Router.Responder> {
        let port = self.port
        return Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// `scheme://host:port` (an IPv6 host in brackets), as the start-up lines print it.
    package static func url(scheme: String, host: String, port: Int) -> String {
        "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
