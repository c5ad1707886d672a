import Foundation
import MailNet
import NIOCore
import NIOPosix
import NIOSSL
import SASL

public struct IMAPSessionOptions: Sendable {
    public var host: String
    public var port: Int
    public var tls: TLSMode
    public var trust: TrustPolicy
    public var connectTimeout: Double
    /// Longest wait for any one reply (and for the TLS handshake).
    public var replyTimeout: Double
    public var limits: IMAPLimits
    /// Allow LOGIN and AUTHENTICATE PLAIN/LOGIN over a connection without TLS.
    public var allowPlaintextPassword: Bool
    public var resolver: any AddressResolver

    public init(host: String, port: Int, tls: TLSMode, trust: TrustPolicy = .system, connectTimeout: Double = 10,
                replyTimeout: Double = 30, limits: IMAPLimits = .default, allowPlaintextPassword: Bool = false,
                resolver: any AddressResolver = SystemResolver()) {
        self.host = host
        self.port = port
        self.tls = tls
        self.trust = trust
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.limits = limits
        self.allowPlaintextPassword = allowPlaintextPassword
        self.resolver = resolver
    }
}

/// How a session logged in.
public enum IMAPLoginMethod: Sendable, Equatable, CustomStringConvertible {
    /// AUTHENTICATE with this SASL mechanism.
    case authenticate(String)
    /// The LOGIN command.
    case login

    public var description: String {
        switch self {
        case .authenticate(let m): return "AUTHENTICATE \(m)"
        case .login: return "LOGIN"
        }
    }
}

/// One IMAP session: connect, greeting, capabilities, STARTTLS and capabilities again
/// when asked, a login, LOGOUT. Every step is recorded in `transcript` with credentials
/// redacted. A session is a conversation: use it from one task at a time.
public final class IMAPSession: @unchecked Sendable {
    public let options: IMAPSessionOptions
    public private(set) var transcript = Transcript()
    /// The greeting line (`* OK …`, `* PREAUTH …`), not Dovecot's "Waiting for authentication" placeholder.
    public private(set) var greeting: IMAPResponse?
    public private(set) var capabilitiesBeforeTLS: IMAPCapabilities?
    /// What the server offers for a login: after STARTTLS, those asked for after it.
    public private(set) var capabilities: IMAPCapabilities?
    /// What a successful login's tagged OK announced (no AUTH= any more, as a rule).
    public private(set) var capabilitiesAfterLogin: IMAPCapabilities?
    public private(set) var isEncrypted = false
    /// The TLS facts once the handshake is done (nil without TLS). They are read while the
    /// session writes its next command, so they cost no time between its round trips.
    public var tls: TLSDetails? { get async { await tlsFacts?.value } }
    private var tlsFacts: Task<TLSDetails?, Never>?
    /// The greeting was PREAUTH: the session is authenticated without a login.
    public private(set) var isPreauthenticated = false
    public private(set) var addressesTried: [AddressAttempt] = []

    private var connection: IMAPConnection?
    private let group: any EventLoopGroup
    private var tagNumber = 0

    public init(options: IMAPSessionOptions, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.options = options
        self.group = group
    }

    private func nextTag() -> String {
        tagNumber += 1
        return String(format: "a%03d", tagNumber)
    }

    /// Connects (each resolved address in turn), reads the greeting and the capabilities,
    /// and runs STARTTLS with a second CAPABILITY when asked.
    public func open() async throws {
        try await connectAndStartTLS()
        if capabilities == nil { capabilities = try await askCapabilities(phase: Self.capabilityAfterTLS) }
    }

    static let capabilityAfterTLS = "capability-after-tls"

    /// What ``open()`` does but the CAPABILITY after STARTTLS: then `capabilities` stays
    /// nil until a caller asks (or pipelines the question with a login).
    private func connectAndStartTLS() async throws {
        // Made while the connection opens; implicit TLS waits for it at once.
        let pendingTLS = options.tls == .none ? nil : PendingTLSClient(trust: options.trust, host: options.host)
        let implicitTLS = options.tls == .implicit ? try await tlsClient(pendingTLS) : nil
        let (connection, greetingFuture) = try await connectInTurn(
            host: options.host, port: options.port, mode: options.tls, resolver: options.resolver, timeout: options.connectTimeout,
            transcript: &transcript, attempts: &addressesTried,
            dnsFailure: { IMAPClientError.dnsFailure(host: $0, reason: $1) }) { address in
            try await IMAPConnection.connect(
                host: options.host, address: address, group: group,
                connectTimeout: .milliseconds(Int64(options.connectTimeout * 1000)),
                replyTimeout: .milliseconds(Int64(options.replyTimeout * 1000)),
                limits: options.limits, implicitTLS: implicitTLS)
        }
        self.connection = connection
        if options.tls == .implicit {
            try await connection.waitForHandshake()
            transcript.record(.note, "TLS established", phase: TLSPhase.handshake)
        }
        let reply = try await connection.awaitReply(greetingFuture, phase: "greeting")
        transcript.received(reply, phase: "greeting")
        greeting = reply.final
        switch reply.final.status {
        case .bye?: throw IMAPClientError.greetingRejected(reply.final.text)
        case .preauth?: isPreauthenticated = true
        default: break
        }
        if options.tls == .implicit {
            isEncrypted = true
            tlsFacts = connection.tlsDetailsMeanwhile()
        }
        let caps = try await capabilities(from: reply, phase: "capability")
        guard options.tls == .startTLS else {
            capabilities = caps
            return
        }
        capabilitiesBeforeTLS = caps
        guard caps.startTLS, !isPreauthenticated else { throw IMAPClientError.startTLSNotOffered }
        let tlsSetup = try await tlsClient(pendingTLS)
        let tag = nextTag()
        let command = IMAPCommand.simple(tag: tag, "STARTTLS")
        transcript.sent(command, phase: "starttls")
        let answer = try await connection.send(try encode(command, literalPlus: true)[0], tag: tag, phase: "starttls", upgrade: tlsSetup)
        transcript.received(answer, phase: "starttls")
        guard answer.final.status == .ok else { throw IMAPClientError.startTLSRefused(answer.final.line) }
        try await connection.waitForHandshake()
        isEncrypted = true
        tlsFacts = connection.tlsDetailsMeanwhile()
        transcript.record(.note, "TLS established", phase: "starttls")
        // Capabilities learnt before TLS are void now (RFC 9051 §6.2.1): they are asked
        // again, by open() or together with a login.
    }

    private func tlsClient(_ pending: PendingTLSClient?) async throws -> TLSClient? {
        do { return try await pending?.value } catch { throw IMAPClientError.tls(error) }
    }

    /// ``open()`` then ``authenticate(username:password:)``, a round trip shorter after
    /// STARTTLS: when the server offered SASL-IR before TLS, the CAPABILITY that TLS makes
    /// necessary and AUTHENTICATE PLAIN with its initial response go out in one write.
    /// When the new capabilities do not offer PLAIN and that login failed, the usual
    /// choice is made on them. Returns how the session logged in.
    @discardableResult
    public func openAndAuthenticate(username: String, password: Secret) async throws -> IMAPLoginMethod {
        do { try IMAPCommand.check(username, field: "username") } catch { throw IMAPClientError.invalidInput(error) }
        try await connectAndStartTLS()
        if capabilities == nil, try await authenticateWithCapabilities(PlainMechanism(username: username, password: password)) {
            return .authenticate("PLAIN")
        }
        return try await authenticate(username: username, password: password)
    }

    /// ``open()`` then ``authenticate(_:)``, with the same pipelining after STARTTLS for a
    /// mechanism that has an initial response.
    public func openAndAuthenticate(_ mechanism: some SASLMechanism) async throws {
        try await connectAndStartTLS()
        if capabilities == nil, try await authenticateWithCapabilities(mechanism) { return }
        try await authenticate(mechanism)
    }

    /// After STARTTLS: CAPABILITY and AUTHENTICATE with an initial response in one write,
    /// when SASL-IR was offered before TLS and the mechanism starts with a response. The
    /// server gets the credentials only inside TLS, as it would a round trip later. True
    /// when this login is the verdict (it succeeded, or the new capabilities offer the
    /// mechanism and it failed: the error is thrown); false when the capabilities are
    /// read and the login is still to be made.
    private func authenticateWithCapabilities(_ mechanism: some SASLMechanism) async throws -> Bool {
        var attempt = mechanism
        let initial: [UInt8]?
        do { initial = try attempt.start() } catch { throw IMAPClientError.sasl(error) }
        guard isEncrypted, capabilitiesBeforeTLS?.saslIR == true, let initial else {
            capabilities = try await askCapabilities(phase: Self.capabilityAfterTLS)
            return false
        }
        let connection = try requireConnection()
        let ask = IMAPCommand.simple(tag: nextTag(), "CAPABILITY")
        let login = IMAPCommand.authenticate(tag: nextTag(), mechanism: attempt.name,
                                             initialResponse: initial.isEmpty ? "=" : Data(initial).base64EncodedString())
        let askBytes = try encode(ask, literalPlus: false), loginBytes = try encode(login, literalPlus: false)
        transcript.sent(ask, phase: Self.capabilityAfterTLS)
        transcript.sent(login, phase: "authenticate")
        let replies = try await connection.send(pipelined: [
            .init(bytes: askBytes[0], tag: ask.tag, phase: Self.capabilityAfterTLS),
            .init(bytes: loginBytes[0], tag: login.tag, phase: "authenticate"),
        ])
        let answer = try await connection.awaitReply(replies[0], phase: Self.capabilityAfterTLS)
        transcript.received(answer, phase: Self.capabilityAfterTLS)
        guard answer.final.status == .ok, let caps = Self.capabilities(in: answer) else {
            throw IMAPClientError.unexpectedResponse(phase: Self.capabilityAfterTLS, answer.final.line)
        }
        capabilities = caps
        var reply = try await connection.awaitReply(replies[1], phase: "authenticate")
        transcript.received(reply, phase: "authenticate", redactChallenge: true)
        reply = try await challenges(&attempt, tag: login.tag, reply: reply, pendingInitial: nil)
        guard reply.final.status == .ok || caps.authMechanisms.contains(attempt.name.uppercased()) else { return false }
        try check(reply, phase: "authenticate")
        return true
    }

    /// The capabilities a reply carried (`[CAPABILITY …]` or `* CAPABILITY`), else asked for.
    private func capabilities(from reply: IMAPReply, phase: String) async throws -> IMAPCapabilities {
        if let found = Self.capabilities(in: reply) { return found }
        return try await askCapabilities(phase: phase)
    }

    static func capabilities(in reply: IMAPReply) -> IMAPCapabilities? {
        for response in [reply.final] + reply.untagged.reversed() {
            if case .data("CAPABILITY", let text) = response.kind { return IMAPCapabilities(text) }
            if let code = response.code, code.name == IMAPResponseCode.capability { return IMAPCapabilities(code.arguments) }
        }
        return nil
    }

    private func askCapabilities(phase: String) async throws -> IMAPCapabilities {
        let reply = try await run(.simple(tag: nextTag(), "CAPABILITY"), phase: phase)
        guard reply.final.status == .ok, let caps = Self.capabilities(in: reply) else {
            throw IMAPClientError.unexpectedResponse(phase: phase, reply.final.line)
        }
        return caps
    }

    /// The one way a command goes out: encoded (CR/LF/NUL refused), recorded redacted,
    /// sent (a synchronizing literal waits for the server's `+`), its reply read and recorded.
    private func run(_ command: IMAPCommand, phase: String, redactChallenge: Bool = false) async throws -> IMAPReply {
        let connection = try requireConnection()
        let chunks = try encode(command, literalPlus: capabilities?.literalPlus ?? capabilitiesBeforeTLS?.literalPlus ?? false)
        transcript.sent(command, phase: phase)
        var reply: IMAPReply!
        for (i, chunk) in chunks.enumerated() {
            reply = try await connection.send(chunk, tag: command.tag, phase: phase)
            transcript.received(reply, phase: phase, redactChallenge: redactChallenge)
            if i < chunks.count - 1 {
                guard case .continuation = reply.final.kind else { return reply }
            }
        }
        return reply
    }

    /// Logs in with a password, the strongest way both sides have: AUTHENTICATE with
    /// CRAM-MD5, PLAIN or LOGIN (PLAIN and LOGIN only under TLS unless allowed), else the
    /// LOGIN command (under TLS unless allowed). Returns how.
    @discardableResult
    public func authenticate(username: String, password: Secret) async throws -> IMAPLoginMethod {
        guard let caps = capabilities else { throw IMAPClientError.connectionClosed(phase: "login") }
        do { try IMAPCommand.check(username, field: "username") } catch { throw IMAPClientError.invalidInput(error) }
        let plaintextOK = isEncrypted || options.allowPlaintextPassword
        var available: Set<String> = ["CRAM-MD5"]
        if plaintextOK { available.formUnion(["PLAIN", "LOGIN"]) }
        if let name = SASLPreference.strongest(offered: caps.authMechanisms, available: available),
           let mechanism = SASLMechanisms.make(name, username: username, secret: password) {
            try await authenticate(mechanism)
            return .authenticate(name)
        }
        // LOGINDISABLED stops the LOGIN command, not a mechanism that keeps the password
        // to itself (CRAM-MD5 was tried above); without TLS it means "use TLS".
        if caps.loginDisabled && !isEncrypted { throw IMAPClientError.tlsRequired }
        guard !caps.loginDisabled else {
            if caps.authMechanisms.isEmpty { throw IMAPClientError.authNotOffered }
            if let exposed = ["PLAIN", "LOGIN"].first(where: caps.authMechanisms.contains) {
                throw IMAPClientError.plaintextPasswordRefused(mechanism: "AUTHENTICATE \(exposed)")
            }
            throw IMAPClientError.authMechanismNotOffered("PLAIN, LOGIN or CRAM-MD5", offered: caps.authMechanisms)
        }
        guard plaintextOK else { throw IMAPClientError.plaintextPasswordRefused(mechanism: "LOGIN") }
        try await login(username: username, password: password)
        return .login
    }

    /// The LOGIN command, whatever else the server offers: the username and password as
    /// quoted strings, or as literals when they are not 7-bit text. Refused without TLS
    /// unless allowed, and where the server says LOGINDISABLED.
    public func login(username: String, password: Secret) async throws {
        guard let caps = capabilities else { throw IMAPClientError.connectionClosed(phase: "login") }
        if caps.loginDisabled {
            if !isEncrypted { throw IMAPClientError.tlsRequired }
            throw IMAPClientError.authMechanismNotOffered("LOGIN", offered: caps.authMechanisms)
        }
        guard isEncrypted || options.allowPlaintextPassword else { throw IMAPClientError.plaintextPasswordRefused(mechanism: "LOGIN") }
        // SASL LOGIN's two answers (username, password), checked for CR/LF/NUL, on one line.
        var values = LoginMechanism(username: username, password: password)
        let user: [UInt8], pass: [UInt8]
        do {
            _ = try values.start()
            user = try values.next(challenge: [])
            pass = try values.next(challenge: [])
        } catch .invalidCharacter(let field) {
            throw IMAPClientError.invalidInput(IMAPCommand.EncodingError(field: field))
        } catch {
            throw IMAPClientError.sasl(error)
        }
        let command = IMAPCommand.login(tag: nextTag(), username: String(decoding: user, as: UTF8.self),
                                        password: String(decoding: pass, as: UTF8.self))
        let reply = try await run(command, phase: "login", redactChallenge: true)
        try check(reply, phase: "login")
    }

    /// AUTHENTICATE with one mechanism; PLAIN/LOGIN without TLS are refused unless allowed.
    public func authenticate(_ mechanism: some SASLMechanism) async throws {
        var mechanism = mechanism
        guard let caps = capabilities else { throw IMAPClientError.connectionClosed(phase: "authenticate") }
        guard caps.authMechanisms.contains(mechanism.name.uppercased()) else {
            if caps.authMechanisms.isEmpty { throw IMAPClientError.authNotOffered }
            throw IMAPClientError.authMechanismNotOffered(mechanism.name, offered: caps.authMechanisms)
        }
        if mechanism.exposesPassword && !isEncrypted && !options.allowPlaintextPassword {
            throw IMAPClientError.plaintextPasswordRefused(mechanism: "AUTHENTICATE \(mechanism.name)")
        }
        let initial: [UInt8]?
        do { initial = try mechanism.start() } catch { throw IMAPClientError.sasl(error) }
        let tag = nextTag()
        // SASL-IR: the initial response on the command line ("=" for an empty one).
        let inline = caps.saslIR ? initial.map { $0.isEmpty ? "=" : Data($0).base64EncodedString() } : nil
        let reply = try await run(.authenticate(tag: tag, mechanism: mechanism.name, initialResponse: inline),
                                  phase: "authenticate", redactChallenge: true)
        try check(try await challenges(&mechanism, tag: tag, reply: reply, pendingInitial: inline == nil ? initial : nil),
                  phase: "authenticate")
    }

    /// The rest of an AUTHENTICATE: each continuation answered (first with the initial
    /// response when it did not go on the command line), up to the tagged reply.
    private func challenges(_ mechanism: inout some SASLMechanism, tag: String, reply first: IMAPReply,
                            pendingInitial initial: [UInt8]?) async throws -> IMAPReply {
        var reply = first
        var pendingInitial = initial
        var rounds = 0
        while case .continuation(let text) = reply.final.kind {
            rounds += 1
            guard rounds <= 10 else { throw IMAPClientError.unexpectedResponse(phase: "authenticate", "too many challenges") }
            let answer: [UInt8]
            if let first = pendingInitial {
                answer = first
                pendingInitial = nil
            } else {
                guard let challenge = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)) else {
                    throw IMAPClientError.unexpectedResponse(phase: "authenticate", "a challenge that is not base64")
                }
                do { answer = try mechanism.next(challenge: [UInt8](challenge)) } catch { throw IMAPClientError.sasl(error) }
            }
            transcript.record(.sent, "<redacted>", phase: "authenticate")
            reply = try await requireConnection().send(Array((Data(answer).base64EncodedString() + "\r\n").utf8), tag: tag,
                                                       phase: "authenticate")
            transcript.received(reply, phase: "authenticate", redactChallenge: true)
        }
        return reply
    }

    /// The tagged answer to a login: OK, or the failure its response code names.
    private func check(_ reply: IMAPReply, phase: String) throws {
        let final = reply.final
        guard final.status != .ok else {
            if let caps = Self.capabilities(in: reply) { capabilitiesAfterLogin = caps }
            return
        }
        guard final.status == .no else { throw IMAPClientError.unexpectedResponse(phase: phase, final.line) }
        switch final.code?.name {
        case IMAPResponseCode.privacyRequired?: throw IMAPClientError.authPrivacyRequired(final.text)
        case IMAPResponseCode.unavailable?: throw IMAPClientError.serverUnavailable(final.text)
        default: throw IMAPClientError.authRejected(final.text)
        }
    }

    /// LOGOUT, waiting at most 2 s for its answer, then close. Safe to call more than once.
    public func logout() async {
        guard let connection else { return }
        self.connection = nil
        if connection.channel.isActive {
            let command = IMAPCommand.simple(tag: nextTag(), "LOGOUT")
            transcript.sent(command, phase: "logout")
            // A polite LOGOUT, but no round trip spent on its BYE and OK: the check knows
            // all it wanted, and real servers are 20–200 ms away.
            try? await connection.channel.writeAndFlush(ByteBuffer(bytes: Array("\(command.tag) LOGOUT\r\n".utf8))).get()
        }
        await connection.close()
    }

    /// The same as ``logout()``: the polite end of every session, also after a failure.
    public func close() async { await logout() }

    private func requireConnection() throws -> IMAPConnection {
        guard let connection else { throw IMAPClientError.connectionClosed(phase: "the session") }
        return connection
    }

    private func encode(_ command: IMAPCommand, literalPlus: Bool) throws -> [[UInt8]] {
        do { return try command.chunks(literalPlus: literalPlus) } catch { throw IMAPClientError.invalidInput(error) }
    }
}
