import Foundation
import MailNet
import MailSession
import NIOCore
import NIOPosix
import SASL

/// How an IMAP session connects and waits (the session core's options, IMAP's limits).
public typealias IMAPSessionOptions = SessionOptions<IMAPLimits>

extension IMAPLimits: SessionLimits {}

extension IMAPCapabilities: SessionCapabilities {
    package var keywords: [String] { atoms }
    package var saslMechanisms: [String] { authMechanisms }
    package var offersStartTLS: Bool { startTLS }
}

/// One IMAP session: connect, greeting, capabilities, STARTTLS and capabilities again
/// when asked, a login, LOGOUT. Every step is recorded in `transcript` with credentials
/// redacted. A session is a conversation: use it from one task at a time.
public final class IMAPSession: CoreSession, @unchecked Sendable {
    package typealias Capabilities = IMAPCapabilities
    package typealias Handler = IMAPResponseHandler
    package let core: SessionCore<IMAPResponseHandler, IMAPCapabilities>
    /// The greeting line (`* OK …`, `* PREAUTH …`), not Dovecot's "Waiting for authentication" placeholder.
    public private(set) var greeting: IMAPResponse?
    /// What a successful login's tagged OK announced (no AUTH= any more, as a rule).
    public internal(set) var capabilitiesAfterLogin: IMAPCapabilities?
    /// The greeting was PREAUTH: the session is authenticated without a login.
    public private(set) var isPreauthenticated = false
    private var tagNumber = 0

    public init(options: IMAPSessionOptions, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        core = SessionCore(options: options, group: group)
    }

    func nextTag() -> String {
        tagNumber += 1
        return String(format: "a%03d", tagNumber)
    }

    static let capabilityAfterTLS = "capability-after-tls"

    /// Connects (each resolved address in turn), reads the greeting and the capabilities,
    /// and runs STARTTLS with a second CAPABILITY when asked.
    package func open() async throws {
        try await openConnection(askingAfterTLS: false)
        if core.capabilities == nil { core.capabilities = try await askCapabilities(afterTLS: true) }
    }

    package func accept(greeting reply: IMAPReply) throws -> IMAPCapabilities? {
        core.transcript.received(reply, phase: "greeting")
        greeting = reply.final
        switch reply.final.status {
        case .bye?: throw IMAPClientError.session(.greetingRejected(reply.final.text))
        case .preauth?: isPreauthenticated = true
        default: break
        }
        return Self.capabilities(in: reply)
    }

    package func mayStartTLS(_ capabilities: IMAPCapabilities) -> Bool { capabilities.startTLS && !isPreauthenticated }

    package func requestTLS(_ tls: TLSClient) async throws {
        let connection = try core.requireConnection()
        let tag = nextTag()
        let command = IMAPCommand.simple(tag: tag, "STARTTLS")
        core.transcript.sent(command, phase: "starttls")
        let answer = try await connection.send(try encode(command, literalPlus: true)[0], tag: tag, phase: "starttls", upgrade: tls)
        core.transcript.received(answer, phase: "starttls")
        guard answer.final.status == .ok else { throw IMAPClientError.session(.startTLSRefused(answer.final.line)) }
        // Capabilities learnt before TLS are void now (RFC 9051 §6.2.1): they are asked
        // again, by open() or together with a login.
    }

    static func capabilities(in reply: IMAPReply) -> IMAPCapabilities? {
        for response in [reply.final] + reply.untagged.reversed() {
            if case .data("CAPABILITY", let text) = response.kind { return IMAPCapabilities(text) }
            if let code = response.code, code.name == IMAPResponseCode.capability { return IMAPCapabilities(code.arguments) }
        }
        return nil
    }

    package func askCapabilities(afterTLS: Bool) async throws -> IMAPCapabilities {
        let phase = afterTLS ? Self.capabilityAfterTLS : "capability"
        let reply = try await run(.simple(tag: nextTag(), "CAPABILITY"), phase: phase)
        guard reply.final.status == .ok, let caps = Self.capabilities(in: reply) else {
            throw IMAPClientError.unexpectedResponse(phase: phase, reply.final.line)
        }
        return caps
    }

    /// The one way a command goes out: encoded (CR/LF/NUL refused), recorded redacted,
    /// sent (a synchronizing literal waits for the server's `+`), its reply read and recorded.
    func run(_ command: IMAPCommand, phase: String, redactChallenge: Bool = false) async throws -> IMAPReply {
        let connection = try core.requireConnection()
        let chunks = try encode(command, literalPlus: capabilities?.literalPlus ?? capabilitiesBeforeTLS?.literalPlus ?? false)
        core.transcript.sent(command, phase: phase)
        var reply: IMAPReply!
        for (i, chunk) in chunks.enumerated() {
            reply = try await connection.send(chunk, tag: command.tag, phase: phase)
            core.transcript.received(reply, phase: phase, redactChallenge: redactChallenge)
            if i < chunks.count - 1 {
                guard case .continuation = reply.final.kind else { return reply }
            }
        }
        return reply
    }

    /// LOGOUT, with no round trip spent on its BYE and OK (the check knows all it wanted,
    /// and real servers are 20–200 ms away), then close. Safe to call more than once.
    public func logout() async {
        let command = IMAPCommand.simple(tag: nextTag(), "LOGOUT")
        await core.close(saying: "\(command.tag) LOGOUT") { $0.sent(command, phase: "logout") }
    }

    /// The same as ``logout()``: the polite end of every session, also after a failure.
    public func close() async { await logout() }

    func encode(_ command: IMAPCommand, literalPlus: Bool) throws -> [[UInt8]] {
        do { return try command.chunks(literalPlus: literalPlus) } catch { throw IMAPClientError.session(.invalidCommand(error)) }
    }
}
