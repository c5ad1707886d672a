import MailSettings

/// SMTP settings for Ruby's mail gem (`delivery_method :smtp, MAILCONF_SMTP_SETTINGS`)
/// and ActionMailer (`config.action_mailer.smtp_settings`). `tls: true` is TLS from the
/// first byte; `enable_starttls: true` is STARTTLS, required; `enable_starttls_auto`
/// (true by default) upgrades only when offered, so it is switched off for the other two.
enum RubyMailExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        var lines = [
            "# SMTP settings for \(input.commentName), written by mailconf, for the mail gem",
            "# (Mail.defaults { delivery_method :smtp, MAILCONF_SMTP_SETTINGS }) and ActionMailer",
            "# (config.action_mailer.smtp_settings = MAILCONF_SMTP_SETTINGS). A CA file of your own: ca_file:.",
            "MAILCONF_SMTP_SETTINGS = {",
            "  address: \(LanguageQuoting.ruby(try input.host(s))),",
            "  port: \(s.portNumber),",
        ]
        switch s.securityOrNone {
        case .tls: lines += ["  tls: true,", "  enable_starttls_auto: false,"]
        case .starttls: lines += ["  enable_starttls: true,", "  enable_starttls_auto: false,"]
        case .none: lines += ["  enable_starttls_auto: false,"]
        }
        if let login = try input.frameworkLogin(s, format: "Ruby's mail gem") {
            lines += [
                "  authentication: \(login.method == .passwordEncrypted ? ":cram_md5" : ":plain"),",
                "  user_name: \(LanguageQuoting.ruby(login.username)),",
                "  # The password is not stored here: it is read from the environment.",
                "  password: ENV.fetch(\"\(FrameworkLogin.passwordVariable)\"),",
            ]
        }
        lines.append("}.freeze")
        if let address = input.address { lines.append("MAILCONF_FROM = \(LanguageQuoting.ruby(address.description))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
