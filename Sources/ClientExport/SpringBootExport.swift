import MailSettings

/// Spring Boot's `spring.mail.*` properties (application.properties). Spring hands
/// `spring.mail.properties.*` to Jakarta Mail as they are: `mail.smtp.ssl.enable` is TLS
/// from the first byte; `mail.smtp.starttls.enable` alone upgrades only when offered,
/// so STARTTLS also sets `mail.smtp.starttls.required`. The server's name is checked
/// against its certificate (`mail.smtp.ssl.checkserveridentity`), which older Jakarta
/// and JavaMail versions leave off. The password is `${SMTP_PASSWORD}`, which Spring
/// resolves from the environment.
enum SpringBootExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        func value(_ v: String) throws(ExportError) -> String { try LanguageQuoting.javaProperty(v, format: "Spring Boot properties") }
        var lines = [
            "# Spring Boot mail settings for \(input.commentName), written by mailconf (application.properties).",
            "# A CA of your own goes into the JVM's trust store (javax.net.ssl.trustStore).",
            "spring.mail.host=\(try value(try input.host(s)))",
            "spring.mail.port=\(s.portNumber)",
            "spring.mail.protocol=smtp",
            "spring.mail.properties.mail.smtp.connectiontimeout=30000",
            "spring.mail.properties.mail.smtp.timeout=30000",
        ]
        switch s.securityOrNone {
        case .tls:
            lines += ["spring.mail.properties.mail.smtp.ssl.enable=true", "spring.mail.properties.mail.smtp.ssl.checkserveridentity=true"]
        case .starttls:
            lines += ["spring.mail.properties.mail.smtp.starttls.enable=true", "spring.mail.properties.mail.smtp.starttls.required=true",
                      "spring.mail.properties.mail.smtp.ssl.checkserveridentity=true"]
        case .none:
            lines += ["spring.mail.properties.mail.smtp.starttls.enable=false"]
        }
        if let login = try input.frameworkLogin(s, format: "Spring Boot") {
            guard login.method == .passwordCleartext else {
                throw ExportError(.unsupportedAuthentication, "Jakarta Mail, which Spring Boot sends with, has no CRAM-MD5, and \(input.provider.id)'s server \(s.summary) takes password-encrypted only")
            }
            lines += [
                "spring.mail.properties.mail.smtp.auth=true",
                "spring.mail.properties.mail.smtp.auth.mechanisms=PLAIN LOGIN",
                "spring.mail.username=\(try value(login.username))",
                "# The password is not stored here: Spring reads it from the environment.",
                "spring.mail.password=${\(FrameworkLogin.passwordVariable)}",
            ]
        } else {
            lines.append("spring.mail.properties.mail.smtp.auth=false")
        }
        if let address = input.address { lines.append("spring.mail.properties.mail.smtp.from=\(try value(address.description))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
