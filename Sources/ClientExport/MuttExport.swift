import MailSettings

/// mutt / neomutt sending settings. The username goes into smtp_url, percent-encoded;
/// the password is left for mutt to ask, with a comment on setting it from a command.
enum MuttExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        let security = s.securityOrNone
        var url = security == .tls ? "smtps://" : "smtp://"
        if s.needsAuthentication, let user = try input.username(s) {
            url += percentEncodeUserinfo(user) + "@"
        }
        let host = try input.host(s)
        url += (host.contains(":") ? "[\(host)]" : host) + ":\(s.portNumber)/"
        var lines = ["# mutt / neomutt: sending through \(input.commentName), written by mailconf."]
        if let address = input.address { lines.append("set from = \(try TextQuoting.mutt(address.description))") }
        lines += [
            "set smtp_url = \(try TextQuoting.mutt(url))",
            "set ssl_starttls = \(security == .starttls ? "yes" : "no")",
            "set ssl_force_tls = \(security == .none ? "no" : "yes")",
        ]
        if s.needsAuthentication {
            let names = try authenticators(s, input)
            if Self.builtIn.contains(names) {
                lines.append("set smtp_authenticators = \(try TextQuoting.mutt(names))")
            } else {
                // Only mutt's own authenticators may be named everywhere: neomutt built with
                // GNU SASL (Debian's) refuses "\(names)" at start-up. Unset, mutt and neomutt
                // pick from what the server offers, through SASL.
                lines.append("# Logs in with \(names.uppercased()); smtp_authenticators stays unset so mutt picks it from what the server offers.")
            }
        }
        if input.usesKerberos(s) {
            lines.append("# Kerberos: mutt logs in with your ticket (run kinit first); there is no password.")
        } else if s.needsAuthentication {
            lines += [
                "# The password is not stored here: mutt asks for it. To take it from a command:",
                "# set smtp_pass = \"`pass show mail/\(input.provider.id)`\"",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Authenticators mutt and neomutt implement themselves, valid in every build.
    static let builtIn: Set<String> = ["plain:login", "xoauth2:oauthbearer"]

    static func authenticators(_ s: ServerSetting, _ input: ExportInput) throws(ExportError) -> String {
        switch input.passwordMethod(s) {
        case .passwordEncrypted?: return "cram-md5"
        case .passwordCleartext?: return "plain:login"
        case .ntlm?: break
        case nil: break
        default: break
        }
        if s.authentication.contains(.oauth2) { return "xoauth2:oauthbearer" }
        if s.authentication.contains(.gssapi) { return "gssapi" }
        throw ExportError(.unsupportedAuthentication, "mutt has no way to log in with \(s.authentication.map(\.rawValue).joined(separator: ", "))")
    }

    /// RFC 3986 userinfo: unreserved characters and sub-delims stay, the rest (`@`, `:`,
    /// `/`, …) become %XX.
    static func percentEncodeUserinfo(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(UnicodeScalar(b))
            if b < 0x80 && (c.isLetter || c.isNumber || "-._~!&'()*+,;=".contains(c)) { out.append(c) } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }
}
