import Foundation
import MailNet
import NIOCore
import NIOPosix
import NIOSSL
import SASL
import X509

public struct SMTPSessionOptions: Sendable {
    public var host: String
    public var port: Int
    public var tls: TLSMode
    public var trust: TrustPolicy
    /// The name this client gives in EHLO.
    public var clientName: String
    public var connectTimeout: Double
    /// Longest wait for any one reply (and for the TLS handshake).
    public var replyTimeout: Double
    public var limits: SMTPLimits
    /// Allow PLAIN/LOGIN over a connection without TLS.
    public var allowPlaintextPassword: Bool
    /// How the host's addresses are found: the system's resolver, mailconf's own DNS
    /// (`--dns-server`), or overrides (`--resolve`); the certificate is still checked
    /// against `host`.
    public var resolver: any AddressResolver

    public init(host: String, port: Int, tls: TLSMode, trust: TrustPolicy = .system, clientName: String = "mailconf.localhost",
                connectTimeout: Double = 10, replyTimeout: Double = 30, limits: SMTPLimits = .default,
                allowPlaintextPassword: Bool = false, resolver: any AddressResolver = SystemResolver()) {
        self.resolver = resolver
        self.host = host
        self.port = port
        self.tls = tls
        self.trust = trust
        self.clientName = clientName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.limits = limits
        self.allowPlaintextPassword = allowPlaintextPassword
    }
}

/// One SMTP session: connect, greeting, EHLO (HELO on a 5xx), STARTTLS and EHLO again
/// when asked, AUTH, an optional message, QUIT. Every step is recorded in `transcript`
/// with credentials redacted. A session is a conversation: use it from one task at a time.
public final class SMTPSession: @unchecked Sendable {
    public let options: SMTPSessionOptions
    public private(set) var transcript = Transcript()
    public private(set) var greeting: SMTPReply?
    /// Capabilities before and (after STARTTLS) after the upgrade.
    public private(set) var capabilitiesBeforeTLS: Capabilities?
    public private(set) var capabilities: Capabilities?
    public private(set) var isEncrypted = false
    /// The TLS facts once the handshake is done (nil without TLS). They are read while the
    /// session writes its next command, so they cost no time between its round trips.
    public var tls: TLSDetails? { get async { await tlsFacts?.value } }
    private var tlsFacts: Task<TLSDetails?, Never>?

    private var connection: SMTPConnection?
    private let group: any EventLoopGroup

    public init(options: SMTPSessionOptions, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.options = options
        self.group = group
    }

    /// Every address the host name gave, and what happened on each one tried.
    public private(set) var addressesTried: [AddressAttempt] = []

    /// Connects and runs the greeting, EHLO and (when asked) STARTTLS with a second EHLO.
    /// - Parameter values: everything that will later go into a command (username, sender
    ///   and recipient addresses); a CR, LF or NUL in any of them is refused here, before
    ///   a connection is made.
    public func open(checking values: [String] = []) async throws {
        for value in values + [options.clientName] {
            do { _ = try SMTPCommand.checked(value) } catch { throw SMTPClientError.invalidCommand(error) }
        }
        try await openOnce()
    }

    private func openOnce() async throws {
        // Made while the connection opens; implicit TLS waits for it at once.
        let pendingTLS = options.tls == .none ? nil : PendingTLSClient(trust: options.trust, host: options.host)
        let implicit = options.tls == .implicit ? try await tlsClient(pendingTLS) : nil
        let (connection, greetingFuture) = try await connectInTurn(
            host: options.host, port: options.port, mode: options.tls, resolver: options.resolver, timeout: options.connectTimeout,
            transcript: &transcript, attempts: &addressesTried,
            dnsFailure: { SMTPClientError.dnsFailure(host: $0, reason: $1) }) { address in
            try await SMTPConnection.connect(
                host: options.host, address: address, group: group,
                connectTimeout: .milliseconds(Int64(options.connectTimeout * 1000)),
                replyTimeout: .milliseconds(Int64(options.replyTimeout * 1000)),
                limits: options.limits, implicitTLS: implicit)
        }
        self.connection = connection
        if options.tls == .implicit {
            try await connection.waitForHandshake()
            transcript.record(.note, "TLS established", phase: TLSPhase.handshake)
        }
        let greeting = try await connection.awaitReply(greetingFuture, phase: "greeting")
        transcript.received(greeting, phase: "greeting")
        self.greeting = greeting
        guard greeting.code == 220 else { throw SMTPClientError.greetingRejected(greeting) }
        if options.tls == .implicit {
            isEncrypted = true
            tlsFacts = connection.tlsDetailsMeanwhile()
        }
        var caps = try await hello(phase: "ehlo")
        if options.tls == .startTLS {
            capabilitiesBeforeTLS = caps
            guard caps.startTLS else { throw SMTPClientError.startTLSNotOffered }
            let reply = try await exchange(.startTLS, phase: "starttls", upgrade: try await tlsClient(pendingTLS))
            guard reply.code == 220 else { throw SMTPClientError.startTLSRefused(reply) }
            try await connection.waitForHandshake()
            isEncrypted = true
            tlsFacts = connection.tlsDetailsMeanwhile()
            transcript.record(.note, "TLS established", phase: "starttls")
            caps = try await hello(phase: "ehlo-after-tls")
        }
        capabilities = caps
    }

    /// The one way a command goes out: encoded (CR/LF/NUL refused), recorded in the
    /// transcript, sent, and its reply read (under the reply deadline) and recorded.
    private func exchange(_ command: SMTPCommand, phase: String, upgrade: TLSClient? = nil,
                          redactChallenge: Bool = false) async throws -> SMTPReply {
        let connection = try requireConnection()
        transcript.sent(command, phase: phase)
        let reply = try await connection.send(try encode(command), phase: phase, upgrade: upgrade)
        transcript.received(reply, phase: phase, redactChallenge: redactChallenge)
        return reply
    }

    /// Several commands at once when the server offers PIPELINING (RFC 2920), else one
    /// after another; the replies in order, each recorded after its command.
    private func exchange(pipelined commands: [(SMTPCommand, String)]) async throws -> [SMTPReply] {
        guard capabilities?.pipelining == true, commands.count > 1 else {
            var replies: [SMTPReply] = []
            for (command, phase) in commands { replies.append(try await exchange(command, phase: phase)) }
            return replies
        }
        let connection = try requireConnection()
        let encoded = try commands.map { (bytes: try encode($0.0), phase: $0.1) }
        for (command, phase) in commands { transcript.sent(command, phase: phase) }
        let replies = try await connection.sendPipelined(encoded)
        for (reply, (_, phase)) in zip(replies, commands) { transcript.received(reply, phase: phase) }
        return replies
    }

    private func hello(phase: String) async throws -> Capabilities {
        let reply = try await exchange(.ehlo(options.clientName), phase: phase)
        if reply.isPositive { return Capabilities(ehlo: reply) }
        guard reply.isPermanentFailure else { throw SMTPClientError.unexpectedReply(phase: phase, reply) }
        let helo = try await exchange(.helo(options.clientName), phase: phase)
        guard helo.isPositive else { throw SMTPClientError.unexpectedReply(phase: phase, helo) }
        return Capabilities(ehlo: helo)
    }

    /// Authenticates with one mechanism. PLAIN/LOGIN without TLS are refused unless allowed.
    public func authenticate(_ mechanism: some SASLMechanism) async throws {
        var mechanism = mechanism
        guard let caps = capabilities, !caps.authMechanisms.isEmpty else { throw SMTPClientError.authNotOffered }
        guard caps.offers(mechanism.name) else {
            throw SMTPClientError.authMechanismNotOffered(mechanism.name, offered: caps.authMechanisms)
        }
        if mechanism.exposesPassword && !isEncrypted && !options.allowPlaintextPassword {
            throw SMTPClientError.plaintextPasswordRefused(mechanism: mechanism.name)
        }
        let initial: [UInt8]?
        do { initial = try mechanism.start() } catch { throw SMTPClientError.sasl(error) }
        let command = SMTPCommand.auth(mechanism: mechanism.name, initialResponse: initial.map { Data($0).base64EncodedString() })
        var reply = try await exchange(command, phase: "auth", redactChallenge: true)
        var rounds = 0
        while reply.code == 334 {
            rounds += 1
            guard rounds <= 10 else { throw SMTPClientError.unexpectedReply(phase: "auth", reply) }
            let challenge = Data(base64Encoded: reply.lines.first ?? "") ?? Data()
            let answer: [UInt8]
            do { answer = try mechanism.next(challenge: [UInt8](challenge)) } catch { throw SMTPClientError.sasl(error) }
            reply = try await exchange(.authResponse(Data(answer).base64EncodedString()), phase: "auth", redactChallenge: true)
        }
        guard reply.code == 235 else { throw SMTPClientError.authRejected(reply) }
    }

    /// Authenticates with a password, choosing the strongest mechanism both sides have:
    /// CRAM-MD5, then PLAIN, then LOGIN (PLAIN and LOGIN only under TLS unless allowed).
    /// Returns the mechanism used.
    @discardableResult
    public func authenticate(username: String, password: Secret) async throws -> String {
        guard let offered = capabilities?.authMechanisms, !offered.isEmpty else { throw SMTPClientError.authNotOffered }
        var available: Set<String> = ["CRAM-MD5"]
        if isEncrypted || options.allowPlaintextPassword { available.formUnion(["PLAIN", "LOGIN"]) }
        guard let name = SASLPreference.strongest(offered: offered, available: available) else {
            if let exposed = ["PLAIN", "LOGIN"].first(where: { offered.contains($0) }) {
                throw SMTPClientError.plaintextPasswordRefused(mechanism: exposed)
            }
            throw SMTPClientError.authMechanismNotOffered("PLAIN, LOGIN or CRAM-MD5", offered: offered)
        }
        try await authenticate(mechanism: name, username: username, secret: password)
        return name
    }

    /// Authenticates with the password mechanism (or XOAUTH2 with a token) named, as
    /// ``SASLMechanisms/make(_:username:secret:)`` makes it.
    public func authenticate(mechanism name: String, username: String, secret: Secret) async throws {
        guard let mechanism = SASLMechanisms.make(name, username: username, secret: secret) else {
            throw SMTPClientError.sasl(.unknownMechanism(name))
        }
        try await authenticate(mechanism)
    }

    /// MAIL FROM, then RSET: does the server take mail from this client as it is?
    public func probeMailFrom(_ sender: String) async throws -> SMTPReply {
        try await probeEnvelope(from: sender, to: nil).mail
    }

    /// MAIL FROM, then RCPT TO when the sender was taken, then RSET: would the server take
    /// this envelope from this client? Nothing is sent. A server that refuses relaying
    /// without authentication usually says so only at RCPT.
    public func probeEnvelope(from sender: String, to recipient: String?) async throws -> (mail: SMTPReply, rcpt: SMTPReply?) {
        // Pipelined (one round trip) where offered: the RCPT's answer counts only when
        // the MAIL was taken (after a refused MAIL it is a 503 for the order of things).
        var commands: [(SMTPCommand, String)] = [(.mailFrom(sender), "mail")]
        if let recipient { commands.append((.rcptTo(recipient), "rcpt")) }
        if capabilities?.pipelining == true {
            let replies = try await exchange(pipelined: commands + [(.rset, "mail")])
            let mail = replies[0]
            return (mail, recipient != nil && mail.isPositive ? replies[1] : nil)
        }
        let mail = try await exchange(.mailFrom(sender), phase: "mail")
        var rcpt: SMTPReply?
        if mail.isPositive, let recipient {
            rcpt = try await exchange(.rcptTo(recipient), phase: "rcpt")
        }
        _ = try await exchange(.rset, phase: "mail")
        return (mail, rcpt)
    }

    /// Sends one message: MAIL FROM, RCPT TO for each recipient, DATA with dot-stuffing.
    public func send(from sender: String, to recipients: [String], message: [UInt8]) async throws -> SMTPReply {
        let connection = try requireConnection()
        // MAIL and every RCPT in one round trip where PIPELINING is offered; DATA waits for
        // their answers, so a refused recipient never leaves the session inside DATA.
        let envelope = [(SMTPCommand.mailFrom(sender), "mail")] + recipients.map { (SMTPCommand.rcptTo($0), "rcpt") }
        let replies = try await exchange(pipelined: envelope)
        for (reply, (_, phase)) in zip(replies, envelope) where !reply.isPositive {
            throw SMTPClientError.unexpectedReply(phase: phase, reply)
        }
        let go = try await exchange(.data, phase: "data")
        guard go.code == 354 else { throw SMTPClientError.unexpectedReply(phase: "data", go) }
        transcript.record(.sent, "(\(message.count) bytes of message)", phase: "data")
        let done = try await connection.send(DataEncoder.encode(message), phase: "data")
        transcript.received(done, phase: "data")
        guard done.isPositive else { throw SMTPClientError.unexpectedReply(phase: "data", done) }
        return done
    }

    /// QUIT and close; safe to call more than once, and after a failure.
    public func close() async {
        guard let connection else { return }
        self.connection = nil
        if connection.channel.isActive {
            transcript.sent(.quit, phase: "quit")
            // A polite QUIT, but no round trip spent on its 221: everything the check
            // wanted is known, and real servers are 20–200 ms away.
            await connection.write(Array("QUIT\r\n".utf8))
        }
        await connection.close()
    }

    private func requireConnection() throws -> SMTPConnection {
        guard let connection else { throw SMTPClientError.connectionClosed(phase: "the session") }
        return connection
    }

    private func encode(_ command: SMTPCommand) throws -> [UInt8] {
        do { return try command.encoded() } catch { throw SMTPClientError.invalidCommand(error) }
    }

    private func tlsClient(_ pending: PendingTLSClient?) async throws(SMTPClientError) -> TLSClient? {
        do { return try await pending?.value } catch { throw .tls(error) }
    }
}
