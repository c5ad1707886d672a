import Failures
import Foundation
import IMAPClient
import MailNet
import MailSettings
import POP3Client
import SASL

/// The live check of an incoming (IMAP or POP3) setting, on mailconf's own clients:
/// connect, TLS and certificate, greeting, capabilities, STARTTLS/STLS, and the login
/// when credentials are at hand. The same verdicts and result as an SMTP check.
extension LiveCheck {
    static func verifyIncoming(_ request: VerifyRequest) async -> VerifyResult {
        let s = request.setting
        let started = Date()
        let host = s.hostname?.name ?? ""
        let port = Int(s.port?.value ?? (s.protocol == .imap ? 993 : 995))
        let mode: TLSMode = s.security == .tls ? .implicit : s.security == .starttls ? .startTLS : .none
        let resolver = request.resolver ?? SystemResolver()
        var outcome = IncomingOutcome()
        if s.protocol == .imap {
            let session = IMAPSession(options: IMAPSessionOptions(
                host: host, port: port, tls: mode, trust: request.trust, connectTimeout: request.timeout,
                replyTimeout: request.timeout, allowPlaintextPassword: request.allowPlaintextAuth, resolver: resolver))
            await outcome.capture {
                // The credentials are settled first, so the login can go with the
                // CAPABILITY that STARTTLS makes necessary (one round trip fewer).
                guard let login = try await login(request, opening: session.open) else { return nil }
                switch login {
                case .kerberos:
                    try await session.open()
                    return try await kerberosLogin(session, request)
                case .mechanism(let mechanism):
                    try await session.openAndAuthenticate(mechanism)
                    return mechanism.name
                case .password(let username, let secret):
                    return "\(try await session.openAndAuthenticate(username: username, password: secret))"
                }
            }
            await session.close()
            outcome.fill(capabilitiesBeforeTLS: session.capabilitiesBeforeTLS?.atoms, capabilities: session.capabilities?.atoms,
                         authMechanisms: session.capabilities?.authMechanisms, tls: await session.tls,
                         transcript: session.transcript, addresses: session.addressesTried)
        } else {
            let session = POP3Session(options: POP3SessionOptions(
                host: host, port: port, tls: mode, trust: request.trust, connectTimeout: request.timeout,
                replyTimeout: request.timeout, allowPlaintextPassword: request.allowPlaintextAuth, resolver: resolver))
            await outcome.capture {
                guard let login = try await login(request, opening: session.open) else { return nil }
                try await session.open()
                switch login {
                case .kerberos: return try await kerberosLogin(session, request)
                case .mechanism(let mechanism):
                    try await session.authenticate(mechanism)
                    return mechanism.name
                case .password(let username, let secret):
                    return try await session.authenticate(username: username, password: secret)
                }
            }
            await session.close()
            outcome.fill(capabilitiesBeforeTLS: session.capabilitiesBeforeTLS?.keywords, capabilities: session.capabilities?.keywords,
                         authMechanisms: session.capabilities?.saslMechanisms, tls: await session.tls,
                         transcript: session.transcript, addresses: session.addressesTried)
        }
        return VerifyResult(
            setting: s.summary, ok: outcome.kind == nil, kind: outcome.kind,
            message: outcome.kind == nil ? "works" : outcome.message,
            addresses: outcome.addresses, capabilitiesBeforeTLS: outcome.capabilitiesBeforeTLS,
            capabilities: outcome.capabilities, authMechanisms: outcome.authMechanisms,
            mechanismUsed: outcome.mechanismUsed, tls: outcome.tls,
            timings: PhaseTiming.phases(of: outcome.transcript),
            transcript: request.keepTranscript ? outcome.transcript : nil,
            totalSeconds: Date().timeIntervalSince(started), certificateProblems: outcome.certificateProblems)
    }

    /// How an incoming check logs in.
    enum IncomingLogin {
        case kerberos
        case mechanism(any SASLMechanism)
        case password(username: String, secret: Secret)
    }

    /// What to log in with, or nil when the setting names no login. A setting that needs
    /// one without credentials at hand, or a check that must not log in, is
    /// `credentials-missing`, as for SMTP. The session is opened here (`opening`) when
    /// there is no login to make or the credentials are wanting, so that a server that
    /// cannot be reached says so before anything is said about credentials; otherwise
    /// the caller opens it, with the login if it can.
    static func login(_ request: VerifyRequest, opening: () async throws -> Void) async throws -> IncomingLogin? {
        do {
            let login = try loginCredentials(request)
            if login == nil { try await opening() }
            return login
        } catch {
            try await opening()
            throw error
        }
    }

    static func loginCredentials(_ request: VerifyRequest) throws -> IncomingLogin? {
        let plan = request.setting.loginPlan(secretAtHand: request.secret != nil)
        guard plan != .noLogin || request.mechanism != nil else { return nil }
        guard request.logIn else {
            throw CheckFailure(kind: .credentialsMissing, message: "the login was not tried: this check stops before it")
        }
        if request.usesKerberos { return .kerberos }
        guard let username = request.username, let secret = request.secret else {
            throw CheckFailure(kind: .credentialsMissing, message:
                "this setting needs a username and a password (or token); give them to verify the login")
        }
        if let name = request.mechanism ?? (request.usesToken ? "XOAUTH2" : nil) {
            guard let made = SASLMechanisms.make(name, username: username, secret: secret) else {
                throw SASLError.unknownMechanism(name)
            }
            return .mechanism(made)
        }
        return .password(username: username, secret: secret)
    }
}

/// What an incoming check found, gathered as it goes.
private struct IncomingOutcome {
    var kind: FailureKind?
    var message = ""
    var mechanismUsed: String?
    var certificateProblems: [FailureKind]?
    var capabilitiesBeforeTLS: [String]?
    var capabilities: [String]?
    var authMechanisms: [String]?
    var tls: TLSDetails?
    var transcript = Transcript()
    var addresses: [AddressAttempt] = []
    /// Runs the session's steps; the mechanism used, or the failure's kind and message.
    mutating func capture(_ body: () async throws -> String?) async {
        do {
            mechanismUsed = try await body()
        } catch let e as any MailconfError {
            kind = e.kind
            message = e.message
            if let failure = Self.tlsFailure(e), failure.kind != .tlsHandshakeFailed { certificateProblems = failure.problems.map(\.kind) }
        } catch {
            kind = .protocolError
            message = "\(error)"
        }
    }

    static func tlsFailure(_ error: any MailconfError) -> TLSFailure? {
        if let e = error as? IMAPClientError, case .tls(let f) = e { return f }
        if let e = error as? POP3ClientError, case .tls(let f) = e { return f }
        return nil
    }

    mutating func fill(capabilitiesBeforeTLS: [String]?, capabilities: [String]?, authMechanisms: [String]?, tls: TLSDetails?,
                       transcript: Transcript, addresses: [AddressAttempt]) {
        self.capabilitiesBeforeTLS = capabilitiesBeforeTLS
        self.capabilities = capabilities
        self.authMechanisms = authMechanisms
        self.tls = tls
        self.transcript = transcript
        self.addresses = addresses
    }
}
