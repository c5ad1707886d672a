import Foundation
import MailNet
import NIOCore
import NIOPosix
import SASL

/// One POP3 session: connect, greeting, CAPA, STLS and CAPA again when asked, a login
/// (SASL or USER/PASS), QUIT. Every step is recorded in `transcript` with credentials
/// redacted. A session is a conversation: use it from one task at a time.
public final class POP3Session: @unchecked Sendable {
    public let options: POP3SessionOptions
    public private(set) var transcript = Transcript()
    public private(set) var greeting: POP3Response?
    /// Capabilities before and (after STLS) after the upgrade; empty when CAPA failed.
    public private(set) var capabilitiesBeforeTLS: POP3Capabilities?
    public private(set) var capabilities: POP3Capabilities?
    public private(set) var isEncrypted = false
    /// The TLS facts once the handshake is done (nil without TLS). They are read while the
    /// session writes its next command, so they cost no time between its round trips.
    public var tls: TLSDetails? { get async { await tlsFacts?.value } }
    private var tlsFacts: Task<TLSDetails?, Never>?
    /// Every address the host name gave, and what happened on each one tried.
    public private(set) var addressesTried: [AddressAttempt] = []

    private var connection: POP3Connection?
    private let group: any EventLoopGroup

    public init(options: POP3SessionOptions, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.options = options
        self.group = group
    }

    /// Connects (each address in turn) and runs the greeting, CAPA and (when asked) STLS
    /// with a second CAPA. With STLS there is no plaintext fallback.
    public func open() async throws {
        // Made while the connection opens; implicit TLS waits for it at once.
        let pendingTLS = options.tls == .none ? nil : PendingTLSClient(trust: options.trust, host: options.host)
        let implicit = options.tls == .implicit ? try await tlsClient(pendingTLS) : nil
        let connection = try await connect(implicitTLS: implicit)
        if options.tls == .implicit {
            isEncrypted = true
            tlsFacts = connection.tlsDetailsMeanwhile()
        }
        var caps = try await capa(phase: "capa")
        if options.tls == .startTLS {
            capabilitiesBeforeTLS = caps
            guard caps.stls else { throw POP3ClientError.startTLSNotOffered }
            let response = try await exchange(.stls, phase: "stls", upgrade: try await tlsClient(pendingTLS))
            guard response.isOK else { throw POP3ClientError.startTLSRefused(response) }
            try await connection.waitForHandshake()
            isEncrypted = true
            tlsFacts = connection.tlsDetailsMeanwhile()
            transcript.record(.note, "TLS established", phase: "stls")
            caps = try await capa(phase: "capa-after-tls")
        }
        capabilities = caps
    }

    private func connect(implicitTLS: TLSClient?) async throws -> POP3Connection {
        let (connection, greetingFuture) = try await connectInTurn(
            host: options.host, port: options.port, mode: options.tls, resolver: options.resolver, timeout: options.connectTimeout,
            transcript: &transcript, attempts: &addressesTried,
            dnsFailure: { POP3ClientError.dnsFailure(host: $0, reason: $1) }) { address in
            try await POP3Connection.connect(
                host: options.host, address: address, group: group,
                connectTimeout: .milliseconds(Int64(options.connectTimeout * 1000)),
                replyTimeout: .milliseconds(Int64(options.replyTimeout * 1000)),
                limits: options.limits, implicitTLS: implicitTLS)
        }
        self.connection = connection
        if implicitTLS != nil {
            try await connection.waitForHandshake()
            transcript.record(.note, "TLS established", phase: TLSPhase.handshake)
        }
        let greeting = try await connection.awaitReply(greetingFuture, phase: "greeting")
        transcript.received(greeting, phase: "greeting")
        self.greeting = greeting
        guard greeting.isOK else { throw POP3ClientError.greetingRejected(greeting) }
        return connection
    }

    /// CAPA (RFC 2449); a server without it (`-ERR`) has no announced capabilities.
    private func capa(phase: String) async throws -> POP3Capabilities {
        let response = try await exchange(.capa, phase: phase, form: .multiLine)
        return response.isOK ? POP3Capabilities(capa: response.lines) : POP3Capabilities()
    }

    /// The one way a command goes out: encoded (CR/LF/NUL refused), recorded in the
    /// transcript, sent, and its response read (under the reply deadline) and recorded.
    func exchange(_ command: POP3Command, phase: String, form: POP3ResponseForm = .singleLine,
                  upgrade: TLSClient? = nil, timeout: TimeAmount? = nil) async throws -> POP3Response {
        guard let connection else { throw POP3ClientError.connectionClosed(phase: "the session") }
        let bytes: [UInt8]
        do { bytes = try command.encoded() } catch { throw POP3ClientError.invalidCommand(error) }
        transcript.sent(command, phase: phase)
        let response = try await connection.send(bytes, phase: phase, form: form, upgrade: upgrade, timeout: timeout)
        transcript.received(response, phase: phase)
        return response
    }

    /// QUIT and close; safe to call more than once, and after a failure.
    public func close() async {
        guard let connection else { return }
        self.connection = nil
        if connection.channel.isActive {
            // A polite QUIT, but no round trip spent on its +OK (nothing was marked for
            // deletion, so the UPDATE state has nothing to do).
            transcript.sent(.quit, phase: "quit")
            try? await connection.channel.writeAndFlush(ByteBuffer(bytes: Array("QUIT\r\n".utf8))).get()
        }
        await connection.close()
    }

    private func tlsClient(_ pending: PendingTLSClient?) async throws(POP3ClientError) -> TLSClient? {
        do { return try await pending?.value } catch { throw .tls(error) }
    }
}
