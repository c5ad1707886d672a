import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// An in-process SMTP server on 127.0.0.1 that follows a script, for the hostile and
/// broken behaviours a real MTA never shows (the SMTP client's and GSSAPI's tests).
public final class FakeSMTPServer: @unchecked Sendable {
    public enum Action: Sendable {
        case send(String)
        case sendBytes([UInt8])
        /// Each byte after the one before, `interval` apart.
        case drip(String, interval: TimeAmount)
        case close
        /// Send this reply, then start TLS as the server (the STARTTLS 220).
        case startTLS(String)
    }

    public typealias Script = @Sendable (_ line: String) -> [Action]

    private let channel: any Channel
    private let lock = NIOLock()
    private var _lines: [String] = []
    private var _connections = 0
    private var children: [any Channel] = []

    public var port: Int { channel.localAddress!.port! }
    public var lines: [String] { lock.withLock { _lines } }
    public var connections: Int { lock.withLock { _connections } }

    /// - tls: the server's TLS context; with `implicitTLS` the connection is TLS from the first byte.
    public init(greeting: [Action], tls: NIOSSLContext? = nil, implicitTLS: Bool = false, script: @escaping Script) async throws {
        let box = Box()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                box.server?.accepted(child)
                return child.eventLoop.makeCompletedFuture {
                    if implicitTLS, let tls { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try child.pipeline.syncOperations.addHandler(Handler(greeting: greeting, script: script, server: box, tls: tls))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        box.server = self
    }

    func record(_ line: String) { lock.withLock { _lines.append(line) } }
    func connected() { lock.withLock { _connections += 1 } }

    func accepted(_ child: any Channel) { lock.withLock { children.append(child) } }

    /// Stops listening, then lets each connection end as its client ends it (so `lines`
    /// holds everything the client sent, its QUIT included), closing any still open after
    /// `grace` seconds.
    public func stop(grace: Int64 = 5) async {
        try? await channel.close().get()
        for child in lock.withLock({ children }) {
            let cutOff = child.eventLoop.scheduleTask(in: .seconds(grace)) { child.close(promise: nil) }
            try? await child.closeFuture.get()
            cutOff.cancel()
        }
    }

    final class Box: @unchecked Sendable { weak var server: FakeSMTPServer? }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let greeting: [Action]
        let script: Script
        let server: Box
        let tls: NIOSSLContext?
        var buffer: [UInt8] = []
        var greeted = false

        public init(greeting: [Action], script: @escaping Script, server: Box, tls: NIOSSLContext?) {
            self.greeting = greeting
            self.script = script
            self.server = server
            self.tls = tls
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            context.fireUserInboundEventTriggered(event)
        }

        func channelActive(context: ChannelHandlerContext) {
            server.server?.connected()
            perform(greeting, context: context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            buffer += Array(unwrapInboundIn(data).readableBytesView)
            while let lf = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<lf])
                buffer.removeFirst(lf + 1)
                if line.last == 0x0D { line.removeLast() }
                let text = String(decoding: line, as: UTF8.self)
                server.server?.record(text)
                perform(script(text), context: context)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

        func perform(_ actions: [Action], context: ChannelHandlerContext) {
            for action in actions {
                switch action {
                case .send(let text): context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                case .sendBytes(let bytes): context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
                case .close: context.close(promise: nil)
                case .startTLS(let reply):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
                    if let tls { try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first) }
                case .drip(let text, let interval):
                    let bytes = Array(text.utf8)
                    let channel = context.channel
                    for (i, b) in bytes.enumerated() {
                        channel.eventLoop.scheduleTask(in: interval * Int64(i)) {
                            channel.writeAndFlush(ByteBuffer(bytes: [b]), promise: nil)
                        }
                    }
                }
            }
        }
        typealias OutboundOut = ByteBuffer
    }
}

/// EHLO replies for scripts.
public enum EHLOReply {
    public static func make(_ keywords: [String]) -> String {
        let lines = ["fake.test"] + keywords
        return lines.enumerated().map { i, l in "250\(i == lines.count - 1 ? " " : "-")\(l)\r\n" }.joined()
    }
}
