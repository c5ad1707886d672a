import MailSettings

/// An msmtp account block for ~/.msmtprc. The password is not written: `passwordeval`
/// runs a command that prints it, and the comment says where to change that.
enum MsmtpExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        let account = input.provider.id
        var lines = [
            "# msmtp account for \(input.commentName), written by mailconf.",
            "# Add it to ~/.msmtprc (which must be readable by you alone: chmod 600 ~/.msmtprc).",
            "account \(account)",
            "host \(try TextQuoting.msmtp(try input.host(s)))",
            "port \(s.portNumber)",
        ]
        switch s.securityOrNone {
        case .tls: lines += ["tls on", "tls_starttls off"]
        case .starttls: lines += ["tls on", "tls_starttls on"]
        case .none: lines += ["tls off"]
        }
        let auth = try method(s, input)
        lines.append("auth \(auth)")
        if auth == "gssapi" {
            // msmtp refuses GSSAPI without a user name; it is sent as the authorization identity.
            if let user = try input.username(s) {
                lines.append("user \(try TextQuoting.msmtp(user))")
            } else {
                lines.append("# user YOUR-USER-NAME   (msmtp needs one for GSSAPI: set it)")
            }
            lines.append("# Kerberos: msmtp logs in with your ticket (run kinit first); there is no password.")
        } else if auth != "off" {
            if let user = try input.username(s) { lines.append("user \(try TextQuoting.msmtp(user))") }
            lines += [
                "# The password is not stored here: msmtp runs this command and reads it from its output.",
                "# Point it at your password manager instead, e.g. passwordeval \"pass show mail/\(account)\".",
                "passwordeval \(try TextQuoting.msmtp("cat ~/.config/msmtp/\(account).password"))",
            ]
        }
        if let address = input.address {
            lines.append("from \(try TextQuoting.msmtp(address.description))")
        } else {
            lines.append("# from you@example.org   (the sender address: set it, or export with --email)")
        }
        lines += ["", "account default : \(account)"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// msmtp's `auth` values.
    static func method(_ s: ServerSetting, _ input: ExportInput) throws(ExportError) -> String {
        if !s.needsAuthentication { return "off" }
        if let m = input.passwordMethod(s) {
            switch m {
            case .passwordEncrypted: return "cram-md5"
            case .ntlm: return "ntlm"
            default: return "on"
            }
        }
        if s.authentication.contains(.oauth2) { return "xoauth2" }
        if s.authentication.contains(.gssapi) { return "gssapi" }
        if s.authentication.contains(.clientCertificate) { return "external" }
        throw ExportError(.unsupportedAuthentication, "msmtp has no way to log in with \(s.authentication.map(\.rawValue).joined(separator: ", "))")
    }
}
