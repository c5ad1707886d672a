import MailSettings

/// SMTP_* variables for an application's .env file. SMTP_SECURE says `tls` for TLS from
/// the first byte, `starttls` or `none`; SMTP_PASSWORD is left empty for the secret.
enum DotEnvExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        var lines = [
            "# SMTP settings for \(input.commentName), written by mailconf.",
            "SMTP_HOST=\(try TextQuoting.dotenv(try input.host(s)))",
            "SMTP_PORT=\(s.portNumber)",
            "SMTP_SECURE=\(s.securityOrNone.rawValue)",
        ]
        if s.needsAuthentication {
            lines.append("SMTP_USERNAME=\(try TextQuoting.dotenv(try input.username(s) ?? ""))")
            lines.append("# Fill in the secret here (and keep this file out of version control).")
            lines.append("SMTP_PASSWORD=")
        }
        if let address = input.address { lines.append("SMTP_FROM=\(try TextQuoting.dotenv(address.description))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
