import Failures
import IMAPClient
import Kerberos
import POP3Client
import SASL
import SMTPClient

extension LiveCheck {
    /// SASL GSSAPI with the caller's Kerberos ticket (or keytab), for any of the three
    /// protocols: the ticket for `service@HOST` is got before the login, off the
    /// cooperative threads; a server that refuses it gets a sentence on why a server
    /// refuses a ticket the KDC issued.
    /// - Parameters:
    ///   - service: the protocol's GSSAPI service name (`smtp`, `imap`, `pop`).
    ///   - offered: the mechanisms the server offers on this connection.
    ///   - wrap: the protocol client's own error for a failure of the mechanism.
    ///   - authenticate: runs the mechanism on the session.
    static func kerberosLogin(_ request: VerifyRequest, service: String, offered: [String],
                              wrap: (SASLError) -> any Error,
                              authenticate: (GSSAPIMechanism) async throws -> Void) async throws -> String {
        // No Kerberos library on this machine: that is the answer, whatever the server offers.
        if let missing = GSSAPIMechanism.unavailability { throw CheckFailure(kind: missing.kind, message: missing.message) }
        let host = request.setting.hostname?.name ?? ""
        let mechanism = GSSAPIMechanism(host: host, service: service, options: request.kerberos,
                                        authorizationIdentity: request.username ?? "")
        guard offered.contains("GSSAPI") else {
            throw CheckFailure(kind: .gssapiNotOffered, message: offered.isEmpty
                ? "the server offers no login mechanism at all here, so no Kerberos (GSSAPI) login"
                : "the server does not offer Kerberos (GSSAPI) here; it offers \(offered.joined(separator: ", "))")
        }
        do {
            do { try await mechanism.prepare(timeout: request.timeout) } catch { throw wrap(error) }
            try await authenticate(mechanism)
        } catch let refused as any MailconfError where refused.kind == .authRejected {
            let who = request.kerberos.principal ?? "your principal"
            throw CheckFailure(kind: .kerberosRejected, message:
                "the server refused the Kerberos ticket for \(mechanism.servicePrincipal) (\(refused.message)): the KDC issued it, so either the server's keytab has no current key for that principal (a wrong or outdated keytab, or the host name is not the one in its keytab; try the name it has with --service-principal), or the server's clock is off, or \(who) may not log in\(request.username.map { " as \($0)" } ?? "")")
        }
        return "GSSAPI"
    }

    static func kerberosLogin(_ session: SMTPSession, _ request: VerifyRequest) async throws -> String {
        try await kerberosLogin(request, service: "smtp", offered: session.capabilities?.authMechanisms ?? [],
                                wrap: { SMTPClientError.sasl($0) }) { try await session.authenticate($0) }
    }

    static func kerberosLogin(_ session: IMAPSession, _ request: VerifyRequest) async throws -> String {
        try await kerberosLogin(request, service: "imap", offered: session.capabilities?.authMechanisms ?? [],
                                wrap: { IMAPClientError.sasl($0) }) { try await session.authenticate($0) }
    }

    static func kerberosLogin(_ session: POP3Session, _ request: VerifyRequest) async throws -> String {
        try await kerberosLogin(request, service: "pop", offered: session.capabilities?.saslMechanisms ?? [],
                                wrap: { POP3ClientError.sasl($0) }) { try await session.authenticate($0) }
    }
}
