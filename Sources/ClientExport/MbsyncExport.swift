import MailSettings

/// An mbsync (isync 1.4) IMAP account, its store, a Maildir and the channel between
/// them, for ~/.mbsyncrc. `SSLType IMAPS` is TLS from the first byte, `STARTTLS` the
/// upgrade, which isync requires once asked for; `None` is plaintext. The password comes
/// from `PassCmd`. isync 1.5 renames SSLType to TLSType and still reads SSLType.
enum MbsyncExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        guard let s = input.incoming(.imap) else {
            throw ExportError(.unsuitable, "\(input.provider.id) has no IMAP server, and mbsync syncs IMAP only")
        }
        let id = input.provider.id
        func q(_ v: String) throws(ExportError) -> String { try TextQuoting.quotedWord(v, "mbsyncrc") }
        var lines = [
            "# mbsync (isync 1.4) account for \(input.commentName), written by mailconf: add it to ~/.mbsyncrc.",
            "IMAPAccount \(id)",
            "Host \(try q(try input.host(s)))",
            "Port \(s.portNumber)",
        ]
        switch s.securityOrNone {
        case .tls: lines.append("SSLType IMAPS")
        case .starttls: lines.append("SSLType STARTTLS")
        case .none: lines.append("SSLType None")
        }
        if s.securityOrNone != .none {
            lines += ["SSLVersions TLSv1.2 TLSv1.3", "SystemCertificates yes",
                      "# A CA of your own besides the system's: CertificateFile /path/to/ca.pem"]
        }
        if s.needsAuthentication {
            let method = try input.passwordLoginMethod(s, tool: "mbsync")
            if let user = try input.username(s) { lines.append("User \(try q(user))") }
            lines += [
                "# The password is not stored here: mbsync runs this command and reads it from its output.",
                "# Point it at your password manager instead, e.g. PassCmd \"pass show mail/\(id)\".",
                "PassCmd \"cat ~/.config/mbsync/\(id).password\"",
                "AuthMechs \(method == .passwordEncrypted ? "CRAM-MD5" : "PLAIN LOGIN")",
            ]
        }
        lines += [
            "",
            "IMAPStore \(id)-remote",
            "Account \(id)",
            "",
            "MaildirStore \(id)-local",
            "Path ~/Mail/\(id)/",
            "Inbox ~/Mail/\(id)/INBOX",
            "SubFolders Verbatim",
            "",
            "# Copies the server's mail here and never deletes on either side; Sync All makes it two-way.",
            "Channel \(id)",
            "Far :\(id)-remote:",
            "Near :\(id)-local:",
            "Patterns *",
            "Create Near",
            "Sync Pull",
            "Expunge None",
            "SyncState *",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
