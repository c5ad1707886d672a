import MailSettings

/// git send-email settings. git's smtpEncryption says `ssl` for TLS from the first byte
/// and `tls` for STARTTLS. The password is left to git (it asks, or a credential helper).
enum GitSendEmailExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let s = try input.requireOutgoing()
        var lines = [
            "# git send-email through \(input.commentName), written by mailconf.",
            "# Add it to ~/.gitconfig (or a repository's .git/config).",
            "[sendemail]",
            "\tsmtpServer = \(try TextQuoting.gitConfig(try input.host(s)))",
            "\tsmtpServerPort = \(s.portNumber)",
        ]
        switch s.securityOrNone {
        case .tls: lines.append("\tsmtpEncryption = ssl")
        case .starttls: lines.append("\tsmtpEncryption = tls")
        case .none: lines.append("\t# no smtpEncryption: this server is set up without TLS")
        }
        if s.needsAuthentication {
            if let user = try input.username(s) { lines.append("\tsmtpUser = \(try TextQuoting.gitConfig(user))") }
            switch input.passwordMethod(s) {
            case .passwordEncrypted?: lines.append("\tsmtpAuth = CRAM-MD5")
            case .passwordCleartext?: lines.append("\tsmtpAuth = PLAIN LOGIN")
            default:
                if s.authentication.contains(.oauth2) { lines.append("\tsmtpAuth = XOAUTH2") } else if s.authentication.contains(.gssapi) {
                    lines.append("\tsmtpAuth = GSSAPI")
                } else {
                    throw ExportError(.unsupportedAuthentication, "git send-email has no way to log in with \(s.authentication.map(\.rawValue).joined(separator: ", "))")
                }
            }
            if input.usesKerberos(s) {
                lines.append("\t# Kerberos: git send-email (Authen::SASL with the GSSAPI Perl module) logs in with your ticket from kinit.")
            } else {
                lines.append("\t# The password is not stored here: git asks for it, or a credential helper supplies it.")
            }
        }
        if let address = input.address { lines.append("\tfrom = \(try TextQuoting.gitConfig(address.description))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
