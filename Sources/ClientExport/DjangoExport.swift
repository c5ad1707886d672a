import MailSettings

/// Django's e-mail settings, for settings.py. Django's names mislead: `EMAIL_USE_TLS`
/// is STARTTLS, `EMAIL_USE_SSL` is TLS from the first byte, and the two exclude each
/// other (django/core/mail/backends/smtp.py). smtplib picks CRAM-MD5, PLAIN or LOGIN by
/// what the server offers; there is no setting for it.
enum DjangoExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        let security = s.securityOrNone
        var lines = [
            "# Django e-mail settings for \(input.commentName), written by mailconf: add them to settings.py.",
            "# EMAIL_USE_TLS is STARTTLS here, EMAIL_USE_SSL is TLS from the first byte.",
            "# Django 3.2 (Debian 12's) does not check the server's certificate: its SMTP backend gives",
            "# Python's smtplib no SSL context. Check the server with 'mailconf verify' first.",
            "import os",
            "",
            "EMAIL_BACKEND = \"django.core.mail.backends.smtp.EmailBackend\"",
            "EMAIL_HOST = \(LanguageQuoting.python(try input.host(s)))",
            "EMAIL_PORT = \(s.portNumber)",
            "EMAIL_USE_TLS = \(security == .starttls ? "True" : "False")",
            "EMAIL_USE_SSL = \(security == .tls ? "True" : "False")",
            "EMAIL_TIMEOUT = 30",
        ]
        if let login = try input.frameworkLogin(s, format: "Django") {
            lines += [
                "EMAIL_HOST_USER = \(LanguageQuoting.python(login.username))",
                "# The password is not stored here: it is read from the environment.",
                "EMAIL_HOST_PASSWORD = os.environ[\"\(FrameworkLogin.passwordVariable)\"]",
            ]
        } else {
            lines += ["EMAIL_HOST_USER = \"\"", "EMAIL_HOST_PASSWORD = \"\""]
        }
        if let address = input.address {
            lines.append("DEFAULT_FROM_EMAIL = \(LanguageQuoting.python(address.description))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
