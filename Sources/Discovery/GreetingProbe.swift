import IMAPClient
import MailNet
import MailSettings
import POP3Client
import Validator

/// The least an IMAP or POP3 server must do to count as found, checked with mailconf's
/// own clients and no login: its greeting (over TLS from the first byte on 993/995, with
/// the certificate checked), its capabilities, and on the plaintext ports STARTTLS (STLS)
/// offered and completed.
struct GreetingProbe: Sendable {
    var trust: TrustPolicy
    var timeout: Double

    func check(_ s: ServerSetting, resolver: any AddressResolver) async -> (ok: Bool, message: String) {
        guard s.hostname != nil, s.port != nil else { return (false, "no host or port") }
        var request = VerifyRequest(setting: s, trust: trust, timeout: timeout)
        request.resolver = resolver
        // Not even with a Kerberos ticket that happens to be at hand.
        request.logIn = false
        let r = await LiveCheck.verify(request)
        // Without credentials the login cannot be tried: reaching it is the check.
        guard r.ok || r.kind == .credentialsMissing else {
            if r.kind == .notIMAP || r.kind == .notPOP3 {
                return (false, "not an \(s.protocol.rawValue.uppercased()) greeting: \(r.message)")
            }
            return (false, r.message)
        }
        guard s.security == .starttls else { return (true, "answers") }
        return (true, "answers; offers \(s.protocol == .pop3 ? "STLS" : "STARTTLS")")
    }
}
