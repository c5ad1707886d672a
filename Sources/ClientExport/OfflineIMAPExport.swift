import MailSettings

/// An OfflineIMAP (offlineimap3) ~/.offlineimaprc: one account, the IMAP server read-only
/// into a Maildir. OfflineIMAP's STARTTLS is opportunistic only: it upgrades when the
/// server lists STARTTLS and otherwise logs in in plaintext
/// (offlineimap/imapserver.py, `__start_tls`), so a STARTTLS-only provider is refused with
/// the way out, and the file says `starttls = no` beside `ssl = yes`. It checks
/// certificates only when given CAs (`sslcacertfile`), so the file gives OS-DEFAULT.
/// Read by Python's ConfigParser with interpolation: `%` is written `%%`.
enum OfflineIMAPExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        guard let s = input.incoming.first(where: { $0.protocol == .imap && $0.security == .tls }) ?? input.incoming(.imap) else {
            throw ExportError(.unsuitable, "\(input.provider.id) has no IMAP server, and OfflineIMAP syncs IMAP only")
        }
        let id = input.provider.id
        if s.securityOrNone == .starttls {
            throw ExportError(.unsuitable, "OfflineIMAP cannot require STARTTLS (it logs in in plaintext when the server does not offer it), and \(id)'s IMAP server \(s.summary) takes it: ask the provider for its TLS port (993), or use mbsync or fetchmail")
        }
        func value(_ v: String) throws(ExportError) -> String {
            if TextQuoting.hasLineBreakOrControl(v) { throw TextQuoting.refuse(v, "offlineimaprc", "it holds a line break or control character") }
            if v.first?.isWhitespace == true || v.last?.isWhitespace == true || v.isEmpty {
                throw TextQuoting.refuse(v, "offlineimaprc", "OfflineIMAP's parser drops white space at either end")
            }
            return v.replacingOccurrences(of: "%", with: "%%")
        }
        var lines = [
            "# OfflineIMAP (offlineimap3) settings for \(input.commentName), written by mailconf: save them as ~/.offlineimaprc.",
            "[general]",
            "accounts = \(id)",
            "",
            "[Account \(id)]",
            "localrepository = \(id)-local",
            "remoterepository = \(id)-remote",
            "",
            "[Repository \(id)-local]",
            "type = Maildir",
            "localfolders = ~/Mail/\(id)",
            "",
            "[Repository \(id)-remote]",
            "type = IMAP",
            "remotehost = \(try value(try input.host(s)))",
            "remoteport = \(s.portNumber)",
        ]
        if s.securityOrNone == .tls {
            lines += [
                "ssl = yes",
                "starttls = no",
                "# OfflineIMAP checks the certificate only when given CAs: OS-DEFAULT is the system's bundle.",
                "# A CA of your own goes here instead.",
                "sslcacertfile = OS-DEFAULT",
            ]
        } else {
            lines += ["ssl = no", "starttls = no"]
        }
        if s.needsAuthentication {
            let method = try input.passwordLoginMethod(s, tool: "OfflineIMAP")
            if let user = try input.username(s) { lines.append("remoteuser = \(try value(user))") }
            lines += [
                "auth_mechanisms = \(method == .passwordEncrypted ? "CRAM-MD5" : "PLAIN, LOGIN")",
                "# The password is not stored here: OfflineIMAP reads the first line of this file (chmod 600 it).",
                "remotepassfile = ~/.config/offlineimap/\(id).password",
            ]
        }
        lines += [
            "# Copies the server's INBOX here and changes nothing there; drop these two lines to sync both ways.",
            "readonly = True",
            "folderfilter = lambda folder: folder == 'INBOX'",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
