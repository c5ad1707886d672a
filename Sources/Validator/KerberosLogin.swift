import Failures
import Kerberos
import SMTPClient

extension LiveCheck {
    /// SASL GSSAPI with the caller's Kerberos ticket (or keytab). The ticket is got before
    /// AUTH, off the cooperative threads; a server that refuses it gets a sentence on why
    /// a server refuses a ticket the KDC issued.
    static func kerberosLogin(_ session: SMTPSession, _ request: VerifyRequest) async throws -> String {
        // No Kerberos library on this machine: that is the answer, whatever the server offers.
        if let missing = GSSAPIMechanism.unavailability { throw CheckFailure(kind: missing.kind, message: missing.message) }
        let host = request.setting.hostname?.name ?? ""
        let offered = session.capabilities?.authMechanisms ?? []
        let mechanism = GSSAPIMechanism(host: host, options: request.kerberos, authorizationIdentity: request.username ?? "")
        guard offered.contains("GSSAPI") else {
            throw CheckFailure(kind: .gssapiNotOffered, message: offered.isEmpty
                ? "the server offers no AUTH at all here, so no Kerberos (GSSAPI) login"
                : "the server does not offer Kerberos (AUTH GSSAPI) here; it offers \(offered.joined(separator: ", "))")
        }
        do {
            do { try await mechanism.prepare(timeout: request.timeout) } catch { throw SMTPClientError.sasl(error) }
            try await session.authenticate(mechanism)
        } catch SMTPClientError.authRejected(let reply) {
            let who = request.kerberos.principal ?? "your principal"
            throw CheckFailure(kind: .kerberosRejected, message:
                "the server refused the Kerberos ticket for \(mechanism.servicePrincipal) (\(reply)): the KDC issued it, so either the server's keytab has no current key for that principal (a wrong or outdated keytab, or the host name is not the one in its keytab; try the name it has with --service-principal), or the server's clock is off, or \(who) may not log in\(request.username.map { " as \($0)" } ?? "")")
        }
        return "GSSAPI"
    }
}
