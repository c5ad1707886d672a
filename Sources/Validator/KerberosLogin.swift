import Failures
import Kerberos
import MailSession
import SASL

extension LiveCheck {
    /// SASL GSSAPI with the caller's Kerberos ticket (or keytab), for any of the three
    /// protocols: the ticket for `service@HOST` is got before the login, off the
    /// cooperative threads; a server that refuses it gets a sentence on why a server
    /// refuses a ticket the KDC issued.
    static func kerberosLogin<Session: VerifiableSession>(_ session: Session, _ request: VerifyRequest) async throws -> String {
        let offered = session.capabilities?.saslMechanisms ?? []
        // No Kerberos library on this machine: that is the answer, whatever the server offers.
        if let missing = GSSAPIMechanism.unavailability { throw CheckFailure(kind: missing.kind, message: missing.message) }
        let host = request.setting.hostname?.name ?? ""
        let mechanism = GSSAPIMechanism(host: host, service: Session.gssapiService, options: request.kerberos,
                                        authorizationIdentity: request.username ?? "")
        guard MechanismName.gssapi.isOffered(in: offered) else {
            throw CheckFailure(kind: .gssapiNotOffered, message: offered.isEmpty
                ? "the server offers no login mechanism at all here, so no Kerberos (GSSAPI) login"
                : "the server does not offer Kerberos (GSSAPI) here; it offers \(offered.joined(separator: ", "))")
        }
        do {
            try await mechanism.prepare(timeout: request.timeout)
            try await session.authenticate(mechanism)
        } catch let refused as any MailconfError where refused.kind == .authRejected {
            let who = request.kerberos.principal ?? "your principal"
            throw CheckFailure(kind: .kerberosRejected, message:
                "the server refused the Kerberos ticket for \(mechanism.servicePrincipal) (\(refused.message)): the KDC issued it, so either the server's keytab has no current key for that principal (a wrong or outdated keytab, or the host name is not the one in its keytab; try the name it has with --service-principal), or the server's clock is off, or \(who) may not log in\(request.username.map { " as \($0)" } ?? "")")
        }
        return MechanismName.gssapi.text
    }
}
