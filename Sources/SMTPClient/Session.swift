import Foundation
import MailNet
import MailSession
import NIOCore
import NIOPosix
import SASL

/// How an SMTP session connects and waits (the session core's options, SMTP's limits).
public typealias SMTPSessionOptions = SessionOptions<SMTPLimits>

extension SMTPLimits: SessionLimits {}

extension Capabilities: SessionCapabilities {
    package var saslMechanisms: [String] { authMechanisms }
    package var offersStartTLS: Bool { startTLS }
}

/// One SMTP session: connect, greeting, EHLO (HELO on a 5xx), STARTTLS and EHLO again
/// when asked, AUTH, an optional message, QUIT. Every step is recorded in `transcript`
/// with credentials redacted. A session is a conversation: use it from one task at a time.
public final class SMTPSession: CoreSession, @unchecked Sendable {
    package typealias Capabilities = SMTPClient.Capabilities
    package typealias Handler = SMTPReplyHandler
    package let core: SessionCore<SMTPReplyHandler, Capabilities>
    /// The name this client gives in EHLO.
    public let clientName: String
    public private(set) var greeting: SMTPReply?

    public init(options: SMTPSessionOptions, clientName: String = "mailconf.localhost",
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        core = SessionCore(options: options, group: group)
        self.clientName = clientName
    }

    package func open() async throws { try await open(checking: []) }

    /// Connects and runs the greeting, EHLO and (when asked) STARTTLS with a second EHLO.
    /// - Parameter values: everything that will later go into a command (username, sender
    ///   and recipient addresses); a CR, LF or NUL in any of them is refused here, before
    ///   a connection is made.
    public func open(checking values: [String]) async throws {
        for value in values + [clientName] {
            do { _ = try SMTPCommand.checked(value) } catch { throw SMTPClientError.session(.invalidCommand(error)) }
        }
        try await openConnection()
    }

    package func accept(greeting: SMTPReply) throws -> Capabilities? {
        core.transcript.received(greeting, phase: "greeting")
        self.greeting = greeting
        guard greeting.code == 220 else { throw SMTPClientError.session(.greetingRejected("\(greeting)")) }
        return nil
    }

    package func askCapabilities(afterTLS: Bool) async throws -> Capabilities {
        try await hello(phase: afterTLS ? "ehlo-after-tls" : "ehlo")
    }

    package func requestTLS(_ tls: TLSClient) async throws {
        let reply = try await exchange(.startTLS, phase: "starttls", upgrade: tls)
        guard reply.code == 220 else { throw SMTPClientError.session(.startTLSRefused("\(reply)")) }
    }

    /// The one way a command goes out: encoded (CR/LF/NUL refused), recorded in the
    /// transcript, sent, and its reply read (under the reply deadline) and recorded.
    private func exchange(_ command: SMTPCommand, phase: String, upgrade: TLSClient? = nil,
                          redactChallenge: Bool = false) async throws -> SMTPReply {
        let connection = try core.requireConnection()
        core.transcript.sent(command, phase: phase)
        let reply = try await connection.send(try encode(command), phase: phase, upgrade: upgrade)
        core.transcript.received(reply, phase: phase, redactChallenge: redactChallenge)
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
        let connection = try core.requireConnection()
        let encoded = try commands.map { (bytes: try encode($0.0), phase: $0.1) }
        for (command, phase) in commands { core.transcript.sent(command, phase: phase) }
        let replies = try await connection.sendPipelined(encoded)
        for (reply, (_, phase)) in zip(replies, commands) { core.transcript.received(reply, phase: phase) }
        return replies
    }

    private func hello(phase: String) async throws -> Capabilities {
        let reply = try await exchange(.ehlo(clientName), phase: phase)
        if reply.isPositive { return Capabilities(ehlo: reply) }
        guard reply.isPermanentFailure else { throw SMTPClientError.unexpectedReply(phase: phase, reply) }
        let helo = try await exchange(.helo(clientName), phase: phase)
        guard helo.isPositive else { throw SMTPClientError.unexpectedReply(phase: phase, helo) }
        return Capabilities(ehlo: helo)
    }

    /// Authenticates with one mechanism. PLAIN/LOGIN without TLS are refused unless allowed.
    public func authenticate(_ mechanism: some SASLMechanism) async throws {
        var mechanism = mechanism
        guard let caps = capabilities, !caps.authMechanisms.isEmpty else { throw SMTPClientError.session(.authNotOffered) }
        guard mechanism.name.isOffered(in: caps.authMechanisms) else {
            throw SMTPClientError.session(.authMechanismNotOffered(mechanism.name.text, offered: caps.authMechanisms))
        }
        if mechanism.exposesPassword && !core.mayShowPassword {
            throw SMTPClientError.session(.plaintextPasswordRefused(mechanism: mechanism.name.text))
        }
        let initial: [UInt8]?
        do { initial = try mechanism.start() } catch { throw SMTPClientError.session(.sasl(error)) }
        let command = SMTPCommand.auth(mechanism: mechanism.name.text, initialResponse: initial.map { Data($0).base64EncodedString() })
        var reply = try await exchange(command, phase: "auth", redactChallenge: true)
        var rounds = 0
        while reply.code == 334 {
            rounds += 1
            guard rounds <= 10 else { throw SMTPClientError.unexpectedReply(phase: "auth", reply) }
            let challenge = Data(base64Encoded: reply.lines.first ?? "") ?? Data()
            let answer: [UInt8]
            do { answer = try mechanism.next(challenge: [UInt8](challenge)) } catch { throw SMTPClientError.session(.sasl(error)) }
            reply = try await exchange(.authResponse(Data(answer).base64EncodedString()), phase: "auth", redactChallenge: true)
        }
        guard reply.code == 235 else { throw SMTPClientError.authRejected(reply) }
    }

    /// Authenticates with a password, choosing the strongest mechanism both sides have:
    /// CRAM-MD5, then PLAIN, then LOGIN (PLAIN and LOGIN only under TLS unless allowed).
    /// Returns the mechanism used.
    @discardableResult
    public func authenticate(username: String, password: Secret) async throws -> MechanismName {
        guard let offered = capabilities?.authMechanisms, !offered.isEmpty else { throw SMTPClientError.session(.authNotOffered) }
        guard let mechanism = core.passwordMechanism(offered: offered, username: username, password: password) else {
            throw SMTPClientError.session(core.noPasswordMechanism(offered: offered))
        }
        try await authenticate(mechanism)
        return mechanism.name
    }

    /// Authenticates with the password mechanism (or XOAUTH2 with a token) named, as
    /// ``SASLMechanisms/make(_:username:secret:)`` makes it.
    public func authenticate(mechanism name: MechanismName, username: String, secret: Secret) async throws {
        guard let mechanism = SASLMechanisms.make(name, username: username, secret: secret) else {
            throw SMTPClientError.session(.sasl(.unknownMechanism(name.text)))
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
        let connection = try core.requireConnection()
        // MAIL and every RCPT in one round trip where PIPELINING is offered; DATA waits for
        // their answers, so a refused recipient never leaves the session inside DATA.
        let envelope = [(SMTPCommand.mailFrom(sender), "mail")] + recipients.map { (SMTPCommand.rcptTo($0), "rcpt") }
        let replies = try await exchange(pipelined: envelope)
        for (reply, (_, phase)) in zip(replies, envelope) where !reply.isPositive {
            throw SMTPClientError.unexpectedReply(phase: phase, reply)
        }
        let go = try await exchange(.data, phase: "data")
        guard go.code == 354 else { throw SMTPClientError.unexpectedReply(phase: "data", go) }
        core.transcript.record(.sent, "(\(message.count) bytes of message)", phase: "data")
        let done = try await connection.send(DataEncoder.encode(message), phase: "data")
        core.transcript.received(done, phase: "data")
        guard done.isPositive else { throw SMTPClientError.unexpectedReply(phase: "data", done) }
        return done
    }

    /// QUIT and close; safe to call more than once, and after a failure. A polite QUIT,
    /// but no round trip spent on its 221: everything the check wanted is known, and real
    /// servers are 20–200 ms away.
    public func close() async {
        await core.close(saying: "QUIT") { $0.sent(.quit, phase: "quit") }
    }

    private func encode(_ command: SMTPCommand) throws -> [UInt8] {
        do { return try command.encoded() } catch { throw SMTPClientError.session(.invalidCommand(error)) }
    }
}
