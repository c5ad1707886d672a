import MailSettings

/// main.cf lines that make Postfix relay all mail through the service, and the
/// sasl_passwd line (with a placeholder where the secret goes) for the file it names.
enum PostfixRelayExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        let host = try TextQuoting.postfixWord(try input.host(s), "a host name")
        let next = "[\(host)]:\(s.portNumber)"
        let security = s.securityOrNone
        var lines = [
            "# Postfix: relay all outgoing mail through \(input.commentName), written by mailconf.",
            "# 1. Add these lines to /etc/postfix/main.cf (or give each to postconf -e).",
            "relayhost = \(next)",
            "smtp_tls_security_level = \(security == .none ? "none" : "encrypt")",
            "smtp_tls_wrappermode = \(security == .tls ? "yes" : "no")",
        ]
        if s.needsAuthentication {
            guard input.passwordMethod(s) != nil else {
                throw ExportError(.unsupportedAuthentication,
                                  "Postfix's SASL client logs in with a password; \(input.provider.id) wants \(s.authentication.map(\.rawValue).joined(separator: ", "))")
            }
            let user = try input.username(s) ?? "YOUR-USERNAME"
            if user.contains(":") { throw TextQuoting.refuse(user, "sasl_passwd", "the username holds a colon, where Postfix splits user from password") }
            lines += [
                "smtp_sasl_auth_enable = yes",
                "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd",
                "smtp_sasl_security_options = noanonymous",
                "smtp_sasl_tls_security_options = noanonymous",
            ]
            if input.passwordMethod(s) == .passwordEncrypted { lines.append("smtp_sasl_mechanism_filter = cram-md5") }
            lines += [
                "#",
                "# 2. Put this line in /etc/postfix/sasl_passwd with the real secret, then run",
                "#    chmod 600 /etc/postfix/sasl_passwd && postmap /etc/postfix/sasl_passwd && postfix reload",
                "# \(next) \(try TextQuoting.postfixWord(user, "a username")):YOUR-SECRET",
            ]
        } else {
            lines.append("# No login: this server takes mail from your address without one.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
