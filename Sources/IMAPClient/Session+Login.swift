import Foundation
import MailSession
import SASL

/// How a session logged in.
public enum IMAPLoginMethod: Sendable, Equatable, CustomStringConvertible {
    /// AUTHENTICATE with this SASL mechanism.
    case authenticate(MechanismName)
    /// The LOGIN command.
    case login

    public var description: String {
        switch self {
        case .authenticate(let m): return "AUTHENTICATE \(m)"
        case .login: return "LOGIN"
        }
    }
}

extension IMAPSession {
    /// ``open()`` then ``authenticate(username:password:)``, a round trip shorter after
    /// STARTTLS: when the server offered SASL-IR before TLS, the CAPABILITY that TLS makes
    /// necessary and AUTHENTICATE PLAIN with its initial response go out in one write.
    /// When the new capabilities do not offer PLAIN and that login failed, the usual
    /// choice is made on them. Returns how the session logged in.
    @discardableResult
    public func openAndAuthenticate(username: String, password: Secret) async throws -> IMAPLoginMethod {
        do { try IMAPCommand.check(username, field: "username") } catch { throw IMAPClientError.session(.invalidCommand(error)) }
        try await openConnection(askingAfterTLS: false)
        if capabilities == nil, try await authenticateWithCapabilities(PlainMechanism(username: username, password: password)) {
            return .authenticate(.plain)
        }
        return try await authenticate(username: username, password: password)
    }

    /// ``open()`` then ``authenticate(_:)``, with the same pipelining after STARTTLS for a
    /// mechanism that has an initial response.
    public func openAndAuthenticate(_ mechanism: some SASLMechanism) async throws {
        try await openConnection(askingAfterTLS: false)
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
        do { initial = try attempt.start() } catch { throw IMAPClientError.session(.sasl(error)) }
        guard isEncrypted, capabilitiesBeforeTLS?.saslIR == true, let initial else {
            core.capabilities = try await askCapabilities(afterTLS: true)
            return false
        }
        let connection = try core.requireConnection()
        let ask = IMAPCommand.simple(tag: nextTag(), "CAPABILITY")
        let login = IMAPCommand.authenticate(tag: nextTag(), mechanism: attempt.name.text,
                                             initialResponse: initial.isEmpty ? "=" : Data(initial).base64EncodedString())
        let askBytes = try encode(ask, literalPlus: false), loginBytes = try encode(login, literalPlus: false)
        core.transcript.sent(ask, phase: Self.capabilityAfterTLS)
        core.transcript.sent(login, phase: "authenticate")
        let replies = try await connection.send(pipelined: [
            .init(bytes: askBytes[0], tag: ask.tag, phase: Self.capabilityAfterTLS),
            .init(bytes: loginBytes[0], tag: login.tag, phase: "authenticate"),
        ])
        let answer = try await connection.awaitReply(replies[0], phase: Self.capabilityAfterTLS)
        core.transcript.received(answer, phase: Self.capabilityAfterTLS)
        guard answer.final.status == .ok, let caps = Self.capabilities(in: answer) else {
            throw IMAPClientError.unexpectedResponse(phase: Self.capabilityAfterTLS, answer.final.line)
        }
        core.capabilities = caps
        var reply = try await connection.awaitReply(replies[1], phase: "authenticate")
        core.transcript.received(reply, phase: "authenticate", redactChallenge: true)
        reply = try await challenges(&attempt, tag: login.tag, reply: reply, pendingInitial: nil)
        guard reply.final.status == .ok || attempt.name.isOffered(in: caps.authMechanisms) else { return false }
        try check(reply, phase: "authenticate")
        return true
    }

    /// Logs in with a password, the strongest way both sides have: AUTHENTICATE with
    /// CRAM-MD5, PLAIN or LOGIN (PLAIN and LOGIN only under TLS unless allowed), else the
    /// LOGIN command (under TLS unless allowed). Returns how.
    @discardableResult
    public func authenticate(username: String, password: Secret) async throws -> IMAPLoginMethod {
        guard let caps = capabilities else { throw IMAPClientError.session(.connectionClosed(phase: "login")) }
        do { try IMAPCommand.check(username, field: "username") } catch { throw IMAPClientError.session(.invalidCommand(error)) }
        if let mechanism = core.passwordMechanism(offered: caps.authMechanisms, username: username, password: password) {
            try await authenticate(mechanism)
            return .authenticate(mechanism.name)
        }
        // LOGINDISABLED stops the LOGIN command, not a mechanism that keeps the password
        // to itself (CRAM-MD5 was tried above); without TLS it means "use TLS".
        if caps.loginDisabled && !isEncrypted { throw IMAPClientError.tlsRequired }
        guard !caps.loginDisabled else {
            if caps.authMechanisms.isEmpty { throw IMAPClientError.session(.authNotOffered) }
            throw IMAPClientError.session(core.noPasswordMechanism(offered: caps.authMechanisms, prefix: "AUTHENTICATE "))
        }
        guard core.mayShowPassword else { throw IMAPClientError.session(.plaintextPasswordRefused(mechanism: "LOGIN")) }
        try await login(username: username, password: password)
        return .login
    }

    /// The LOGIN command, whatever else the server offers: the username and password as
    /// quoted strings, or as literals when they are not 7-bit text. Refused without TLS
    /// unless allowed, and where the server says LOGINDISABLED.
    public func login(username: String, password: Secret) async throws {
        guard let caps = capabilities else { throw IMAPClientError.session(.connectionClosed(phase: "login")) }
        if caps.loginDisabled {
            if !isEncrypted { throw IMAPClientError.tlsRequired }
            throw IMAPClientError.session(.authMechanismNotOffered("LOGIN", offered: caps.authMechanisms))
        }
        guard core.mayShowPassword else { throw IMAPClientError.session(.plaintextPasswordRefused(mechanism: "LOGIN")) }
        let command = IMAPCommand.login(tag: nextTag(), username: username, password: password.protocolText)
        let reply = try await run(command, phase: "login", redactChallenge: true)
        try check(reply, phase: "login")
    }

    /// AUTHENTICATE with one mechanism; PLAIN/LOGIN without TLS are refused unless allowed.
    public func authenticate(_ mechanism: some SASLMechanism) async throws {
        var mechanism = mechanism
        guard let caps = capabilities else { throw IMAPClientError.session(.connectionClosed(phase: "authenticate")) }
        guard mechanism.name.isOffered(in: caps.authMechanisms) else {
            if caps.authMechanisms.isEmpty { throw IMAPClientError.session(.authNotOffered) }
            throw IMAPClientError.session(.authMechanismNotOffered(mechanism.name.text, offered: caps.authMechanisms))
        }
        if mechanism.exposesPassword && !core.mayShowPassword {
            throw IMAPClientError.session(.plaintextPasswordRefused(mechanism: "AUTHENTICATE \(mechanism.name)"))
        }
        let initial: [UInt8]?
        do { initial = try mechanism.start() } catch { throw IMAPClientError.session(.sasl(error)) }
        let tag = nextTag()
        // SASL-IR: the initial response on the command line ("=" for an empty one).
        let inline = caps.saslIR ? initial.map { $0.isEmpty ? "=" : Data($0).base64EncodedString() } : nil
        let reply = try await run(.authenticate(tag: tag, mechanism: mechanism.name.text, initialResponse: inline),
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
                do { answer = try mechanism.next(challenge: [UInt8](challenge)) } catch { throw IMAPClientError.session(.sasl(error)) }
            }
            core.transcript.record(.sent, "<redacted>", phase: "authenticate")
            reply = try await core.requireConnection().send(Array((Data(answer).base64EncodedString() + "\r\n").utf8), tag: tag,
                                                            phase: "authenticate")
            core.transcript.received(reply, phase: "authenticate", redactChallenge: true)
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
}
