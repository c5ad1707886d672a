import MailNet
import NIOCore

/// A protocol client built on the session core: it keeps a ``SessionCore`` and says the
/// steps of the opening in its protocol (the greeting, asking the capabilities, the
/// STARTTLS command); the opening itself, and what every session shows, are written once
/// here.
package protocol CoreSession: MailSession {
    associatedtype Handler: SessionChannelHandler & ChannelInboundHandler
    var core: SessionCore<Handler, Capabilities> { get }
    /// Records the greeting and refuses one that says no; the capabilities it carried, if any.
    func accept(greeting: Handler.Reply) throws -> Capabilities?
    /// Asks the server what it offers (EHLO, CAPABILITY, CAPA), before TLS or after it.
    func askCapabilities(afterTLS: Bool) async throws -> Capabilities
    /// Sends STARTTLS (STLS) with `tls` to start at its answer, and checks the answer.
    func requestTLS(_ tls: TLSClient) async throws
    /// STARTTLS may be asked for: offered, and (IMAP) not after PREAUTH.
    func mayStartTLS(_ capabilities: Capabilities) -> Bool
}

extension CoreSession {
    package var transcript: Transcript { core.transcript }
    package var addressesTried: [AddressAttempt] { core.addressesTried }
    package var capabilitiesBeforeTLS: Capabilities? { core.capabilitiesBeforeTLS }
    package var capabilities: Capabilities? { core.capabilities }
    package var isEncrypted: Bool { core.isEncrypted }
    package var tls: TLSDetails? { get async { await core.tls } }
    package var options: SessionOptions<Handler.Limits> { core.options }

    package func mayStartTLS(_ capabilities: Capabilities) -> Bool { capabilities.offersStartTLS }

    /// The opening every session shares: each address in turn, implicit TLS from the first
    /// byte or the greeting in plaintext, the capabilities, and for STARTTLS the upgrade,
    /// never falling back to plaintext. After STARTTLS the capabilities are asked again
    /// unless `askingAfterTLS` is false (IMAP asks them with its login, in one write).
    package func openConnection(askingAfterTLS: Bool = true) async throws {
        let core = self.core, options = core.options
        // Made while the connection opens; implicit TLS waits for it at once.
        let pendingTLS = options.tls == .none ? nil : PendingTLSClient(trust: options.trust, host: options.host)
        let implicitTLS = options.tls == .implicit ? try await Self.tlsClient(pendingTLS) : nil
        let (connection, greeting) = try await connectInTurn(
            host: options.host, port: options.port, mode: options.tls, resolver: options.resolver,
            timeout: options.connectTimeout, transcript: &core.transcript, attempts: &core.addressesTried,
            failing: Handler.Failure.self) { address in
            let handler = Handler(limits: options.limits, tls: implicitTLS)
            return try await SessionConnection.connect(handler, to: address, options: options, group: core.group,
                                                       implicitTLS: implicitTLS)
        }
        core.connection = connection
        if implicitTLS != nil {
            try await connection.waitForHandshake()
            core.transcript.record(.note, "TLS established", phase: TLSPhase.handshake)
        }
        let announced = try accept(greeting: try await connection.awaitReply(greeting, phase: "greeting"))
        if implicitTLS != nil { core.encrypted(connection) }
        var capabilities = if let announced { announced } else { try await askCapabilities(afterTLS: false) }
        guard options.tls == .startTLS else {
            core.capabilities = capabilities
            return
        }
        core.capabilitiesBeforeTLS = capabilities
        guard mayStartTLS(capabilities) else { throw Handler.Failure.session(.startTLSNotOffered) }
        try await requestTLS(try await Self.tlsClient(pendingTLS)!)
        try await connection.waitForHandshake()
        core.encrypted(connection)
        core.transcript.record(.note, "TLS established", phase: Handler.Failure.dialect.startTLSPhase)
        guard askingAfterTLS else { return }
        capabilities = try await askCapabilities(afterTLS: true)
        core.capabilities = capabilities
    }

    private static func tlsClient(_ pending: PendingTLSClient?) async throws -> TLSClient? {
        do { return try await pending?.value } catch { throw Handler.Failure.session(.tls(error)) }
    }
}
