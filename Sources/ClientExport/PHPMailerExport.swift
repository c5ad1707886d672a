import MailSettings

/// PHPMailer (6) setup lines for an existing `$mail = new PHPMailer(true)`.
/// `SMTPSecure` is `ssl` (ENCRYPTION_SMTPS) for TLS from the first byte and `tls`
/// (ENCRYPTION_STARTTLS) for STARTTLS; with neither, PHPMailer still upgrades when the
/// server offers STARTTLS unless `SMTPAutoTLS` is false, which no security sets.
enum PHPMailerExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        var lines = [
            "<?php",
            // A line comment ends at "?>", which would leave PHP: a name cannot hold one.
            "# PHPMailer settings for \(input.commentName.replacingOccurrences(of: "?>", with: "? >")), written by mailconf.",
            "# Include this after $mail = new PHPMailer\\PHPMailer\\PHPMailer(true);",
            "# A CA file of your own: $mail->SMTPOptions = ['ssl' => ['cafile' => '/path/ca.pem']];",
            "$mail->isSMTP();",
            "$mail->Host = \(LanguageQuoting.php(try input.host(s)));",
            "$mail->Port = \(s.portNumber);",
        ]
        switch s.securityOrNone {
        case .tls: lines.append("$mail->SMTPSecure = PHPMailer\\PHPMailer\\PHPMailer::ENCRYPTION_SMTPS;")
        case .starttls: lines.append("$mail->SMTPSecure = PHPMailer\\PHPMailer\\PHPMailer::ENCRYPTION_STARTTLS;")
        case .none: lines += ["$mail->SMTPSecure = '';", "$mail->SMTPAutoTLS = false;"]
        }
        if let login = try input.frameworkLogin(s, format: "PHPMailer") {
            lines += [
                "$mail->SMTPAuth = true;",
                "$mail->AuthType = \(login.method == .passwordEncrypted ? "'CRAM-MD5'" : "''");",
                "$mail->Username = \(LanguageQuoting.php(login.username));",
                "# The password is not stored here: it is read from the environment.",
                "$mail->Password = getenv('\(FrameworkLogin.passwordVariable)');",
            ]
        } else {
            lines.append("$mail->SMTPAuth = false;")
        }
        if let address = input.address { lines.append("$mail->setFrom(\(LanguageQuoting.php(address.description)));") }
        return lines.joined(separator: "\n") + "\n"
    }
}
