import NIOCore
import NIOSSL

/// TLS whose certificate is chosen per connection, from the ClientHello: a TLS-ALPN-01
/// challenge's when one is pending for the name and the client offers only
/// `acme-tls/1`, else the served certificate for the name (``ServedCertificates``).
/// Holds the first bytes until the ClientHello's first record is in, then puts the TLS
/// handler with the chosen context behind itself, hands it those bytes, and leaves.
/// A connection with no certificate to serve is closed.
final class TLSContextSelector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let certificates: ServedCertificates
    let challenges: ChallengeBoard?
    private var held: ByteBuffer?
    private var done = false

    init(certificates: ServedCertificates, challenges: ChallengeBoard?) {
        self.certificates = certificates
        self.challenges = challenges
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard !done else { context.fireChannelRead(data); return }
        if var held = held {
            held.writeBuffer(&buffer)
            self.held = held
        } else {
            held = buffer
        }
        let bytes = held!.readableBytesView
        let hello: ClientHello?
        switch ClientHello.completeness(bytes) {
        case .needMore: return
        case .notTLS: hello = nil
        case .complete(let length): hello = ClientHello(record: Array(bytes.prefix(length)))
        }
        let chosen = hello.flatMap { challenges?.alpnContext(for: $0) } ?? certificates.context(for: hello?.serverName)
        guard let chosen else {
            context.close(promise: nil)
            return
        }
        done = true
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: chosen), position: .after(self))
        } catch {
            context.close(promise: nil)
            return
        }
        let first = self.held!
        self.held = nil
        context.fireChannelRead(wrapInboundOut(first))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
