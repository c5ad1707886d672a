import IMAPClient
import MailSession
import POP3Client
import SASL
import SMTPClient

/// What the verifier needs of a session beyond opening and closing it: its logins.
protocol VerifiableSession: MailSession {
    /// The protocol's GSSAPI service name (`smtp`, `imap`, `pop`).
    static var gssapiService: String { get }
    func authenticate(_ mechanism: some SASLMechanism) async throws
    /// A password login, the strongest way both sides have; what was used, as results show it.
    func logIn(username: String, password: Secret) async throws -> String
    /// Opens the session and makes `login`; IMAP sends the login with the capabilities
    /// STARTTLS makes it ask again.
    func openAndLogIn(_ login: LiveCheck.Login, _ request: VerifyRequest) async throws -> String
}

extension VerifiableSession {
    func openAndLogIn(_ login: LiveCheck.Login, _ request: VerifyRequest) async throws -> String {
        try await open()
        return try await logIn(login, request)
    }

    /// Makes `login` on the open session; what was used.
    func logIn(_ login: LiveCheck.Login, _ request: VerifyRequest) async throws -> String {
        switch login {
        case .kerberos: return try await LiveCheck.kerberosLogin(self, request)
        case .mechanism(let mechanism):
            try await authenticate(mechanism)
            return mechanism.name.text
        case .password(let username, let secret): return try await logIn(username: username, password: secret)
        }
    }
}

extension SMTPSession: VerifiableSession {
    static var gssapiService: String { "smtp" }
    func logIn(username: String, password: Secret) async throws -> String {
        try await authenticate(username: username, password: password).text
    }
}

extension POP3Session: VerifiableSession {
    static var gssapiService: String { "pop" }
    func logIn(username: String, password: Secret) async throws -> String {
        try await authenticate(username: username, password: password)
    }
}

extension IMAPSession: VerifiableSession {
    static var gssapiService: String { "imap" }
    func logIn(username: String, password: Secret) async throws -> String {
        "\(try await authenticate(username: username, password: password))"
    }

    func openAndLogIn(_ login: LiveCheck.Login, _ request: VerifyRequest) async throws -> String {
        switch login {
        case .kerberos:
            try await open()
            return try await logIn(login, request)
        case .mechanism(let mechanism):
            try await openAndAuthenticate(mechanism)
            return mechanism.name.text
        case .password(let username, let secret):
            return "\(try await openAndAuthenticate(username: username, password: secret))"
        }
    }
}
