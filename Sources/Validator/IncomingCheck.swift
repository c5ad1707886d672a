import Failures
import SASL

/// The steps of an incoming (IMAP or POP3) check: the session opened and, when
/// credentials are at hand, the login, settled first so that IMAP can send it with the
/// CAPABILITY that STARTTLS makes necessary (one round trip fewer).
extension LiveCheck {
    static func incomingSteps<Session: VerifiableSession>(_ session: Session, _ request: VerifyRequest) async throws -> Outcome {
        let login: Login?
        do {
            login = try loginCredentials(request, stopsBefore: "it")
        } catch {
            // A server that cannot be reached says so before anything is said about credentials.
            try await session.open()
            throw error
        }
        guard let login else {
            try await session.open()
            return Outcome()
        }
        return Outcome(mechanismUsed: try await session.openAndLogIn(login, request))
    }

    /// How a check logs in.
    enum Login {
        case kerberos
        case mechanism(any SASLMechanism)
        case password(username: String, secret: Secret)
    }

    /// What to log in with, or nil when the setting names no login. A setting that needs
    /// one without credentials at hand, or a check that must not log in, is
    /// `credentials-missing`; `stopsBefore` names the login in that sentence.
    static func loginCredentials(_ request: VerifyRequest, stopsBefore: String) throws -> Login? {
        let plan = request.setting.loginPlan(secretAtHand: request.secret != nil)
        guard plan != .noLogin || request.mechanism != nil else { return nil }
        guard request.logIn else {
            throw CheckFailure(kind: .credentialsMissing, message: "the login was not tried: this check stops before \(stopsBefore)")
        }
        if request.usesKerberos { return .kerberos }
        guard let username = request.username, let secret = request.secret else {
            throw CheckFailure(kind: .credentialsMissing, message:
                "this setting needs a username and a password (or token); give them to verify the login")
        }
        if let name = request.mechanism ?? (request.usesToken ? .xoauth2 : nil) {
            guard let made = SASLMechanisms.make(name, username: username, secret: secret) else {
                throw SASLError.unknownMechanism(name.text)
            }
            return .mechanism(made)
        }
        return .password(username: username, secret: secret)
    }
}
