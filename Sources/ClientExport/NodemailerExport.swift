import MailSettings

/// Nodemailer's SMTP transport options, as JSON for `nodemailer.createTransport()`.
/// `secure: true` is TLS from the first byte; `secure: false` alone still upgrades with
/// STARTTLS when offered and goes on in plaintext when not, so STARTTLS adds
/// `requireTLS: true` and no security adds `ignoreTLS: true` (nodemailer.com/smtp).
/// JSON holds no secret and no comment: the code adds `auth.pass` from SMTP_PASSWORD.
enum NodemailerExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        var options: [String: Any] = ["host": try input.host(s), "port": s.portNumber]
        switch s.securityOrNone {
        case .tls: options["secure"] = true
        case .starttls: options["secure"] = false; options["requireTLS"] = true
        case .none: options["secure"] = false; options["ignoreTLS"] = true
        }
        if let login = try input.frameworkLogin(s, format: "Nodemailer") {
            options["auth"] = ["user": login.username]
            if login.method == .passwordEncrypted { options["authMethod"] = "CRAM-MD5" }
        }
        return LanguageQuoting.json(options) + "\n"
    }
}
