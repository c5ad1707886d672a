import Failures
import Foundation
import MailSession
import SASL

extension POP3Session {
    /// Logs in with a password: with the strongest SASL mechanism both sides have when
    /// CAPA lists SASL mechanisms (CRAM-MD5, then PLAIN, then LOGIN; PLAIN and LOGIN only
    /// under TLS unless allowed), else with USER/PASS (only under TLS unless allowed).
    /// Returns what was used: the mechanism's name, or `USER`.
    @discardableResult
    public func authenticate(username: String, password: Secret) async throws -> String {
        // Refused before anything is sent.
        do {
            try CommandText.check(username, field: "username")
            try CommandText.check(password.protocolText, field: "password")
        } catch {
            throw POP3ClientError.session(.invalidCommand(error))
        }
        guard let caps = capabilities else { throw POP3ClientError.session(.connectionClosed(phase: "the session")) }
        let offered = caps.saslMechanisms
        if !offered.isEmpty {
            if let mechanism = core.passwordMechanism(offered: offered, username: username, password: password) {
                try await authenticate(mechanism)
                return mechanism.name.text
            }
            if !caps.user { throw POP3ClientError.session(core.noPasswordMechanism(offered: offered, prefix: "SASL ")) }
        }
        try await userPass(username: username, password: password)
        return "USER"
    }

    /// USER then PASS (RFC 1939 §7).
    private func userPass(username: String, password: Secret) async throws {
        guard core.mayShowPassword else { throw POP3ClientError.session(.plaintextPasswordRefused(mechanism: "USER/PASS")) }
        let user = try await exchange(.user(username), phase: "auth")
        guard user.isOK else { throw refusal(user, step: .user) }
        let pass = try await exchange(.pass(password), phase: "auth")
        guard pass.isOK else { throw refusal(pass, step: .pass) }
    }

    /// Authenticates with one SASL mechanism (RFC 5034). PLAIN and LOGIN without TLS are
    /// refused unless allowed.
    public func authenticate(_ mechanism: some SASLMechanism) async throws {
        var mechanism = mechanism
        guard let caps = capabilities else { throw POP3ClientError.session(.connectionClosed(phase: "the session")) }
        guard !caps.saslMechanisms.isEmpty else { throw POP3ClientError.session(.authNotOffered) }
        guard mechanism.name.isOffered(in: caps.saslMechanisms) else {
            throw POP3ClientError.session(.authMechanismNotOffered(mechanism.name.text, offered: caps.saslMechanisms))
        }
        if mechanism.exposesPassword && !core.mayShowPassword {
            throw POP3ClientError.session(.plaintextPasswordRefused(mechanism: "SASL \(mechanism.name)"))
        }
        let initial: String?
        do { initial = try mechanism.start().map { Data($0).base64EncodedString() } } catch {
            throw POP3ClientError.session(.sasl(error))
        }
        // RFC 5034 §4: an initial response that would make AUTH longer than 255 octets
        // waits for the server's first (empty) challenge instead.
        var held: String?
        var command = POP3Command.auth(mechanism: mechanism.name.text, initialResponse: initial)
        if let initial, (try? command.encoded()) == nil {
            held = initial
            command = .auth(mechanism: mechanism.name.text, initialResponse: nil)
        }
        var response = try await exchange(command, phase: "auth", form: .sasl)
        var rounds = 0
        while response.status == .continuation {
            rounds += 1
            guard rounds <= 10 else { throw await cancel(POP3ClientError.unexpectedResponse(phase: "auth", response)) }
            let answer: String
            if let first = held {
                held = nil
                answer = first
            } else {
                guard let challenge = Data(base64Encoded: response.text) else {
                    throw await cancel(POP3ClientError.unexpectedResponse(phase: "auth", response))
                }
                do { answer = Data(try mechanism.next(challenge: [UInt8](challenge))).base64EncodedString() } catch {
                    throw await cancel(POP3ClientError.session(.sasl(error)))
                }
            }
            response = try await exchange(.authResponse(answer), phase: "auth", form: .sasl)
        }
        guard response.isOK else { throw refusal(response, step: .sasl) }
    }

    /// Ends a SASL exchange with `*` (the server answers -ERR), then gives `error`.
    private func cancel(_ error: POP3ClientError) async -> POP3ClientError {
        _ = try? await exchange(.authCancel, phase: "auth", form: .sasl)
        return error
    }

    private func refusal(_ response: POP3Response, step: LoginRefusal.Step) -> POP3ClientError {
        LoginRefusal.classify(response, step: step, encrypted: isEncrypted, capabilities: capabilities)
    }
}
