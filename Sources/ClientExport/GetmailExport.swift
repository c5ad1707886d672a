import MailSettings

/// A getmail6 rc file (~/.config/getmail/getmailrc): a retriever, a Maildir and the
/// options. getmail6 6.18 (Debian 12) has no STARTTLS: it speaks TLS from the first byte
/// (`SimpleIMAPSSLRetriever`, `SimplePOP3SSLRetriever`) or plaintext, so a STARTTLS-only
/// server is refused with the way out. It checks the server's certificate only when it is
/// given CA certificates (`ca_certs`, getmailcore/_retrieverbases.py), so the file always
/// gives them: Debian's bundle. Read by RawConfigParser (no `%` interpolation); the
/// password command is a Python tuple.
enum GetmailExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        // A server with TLS from the first byte first: getmail has no STARTTLS.
        guard let s = input.incoming.first(where: { $0.security == .tls }) ?? input.incoming.first else {
            throw ExportError(.unsuitable, "\(input.provider.id) has no IMAP or POP3 server for getmail")
        }
        let id = input.provider.id
        let imap = s.protocol == .imap
        let kind: String
        switch s.securityOrNone {
        case .tls: kind = imap ? "SimpleIMAPSSLRetriever" : "SimplePOP3SSLRetriever"
        case .none: kind = imap ? "SimpleIMAPRetriever" : "SimplePOP3Retriever"
        case .starttls:
            throw ExportError(.unsuitable, "getmail6 has no STARTTLS, and \(id)'s \(s.protocol.rawValue.uppercased()) server \(s.summary) takes it: ask the provider for its TLS port (993 for IMAP, 995 for POP3), or use fetchmail or mbsync")
        }
        var lines = [
            "# getmail6 rc for \(input.commentName), written by mailconf: save it as ~/.config/getmail/getmailrc.",
            "[retriever]",
            "type = \(kind)",
            "server = \(try value(try input.host(s)))",
            "port = \(s.portNumber)",
            "timeout = 30",
        ]
        if s.needsAuthentication {
            guard input.passwordMethod(s) == .passwordCleartext else {
                throw ExportError(.unsupportedAuthentication, "getmail6 as written here logs in with a plain password only, and \(id)'s server \(s.summary) takes \(s.authentication.map(\.rawValue).joined(separator: ", "))")
            }
            if let user = try input.username(s) { lines.append("username = \(try value(user))") }
            lines += [
                "# The password is not stored here: getmail runs this command and reads it from its output.",
                "password_command = (\"sh\", \"-c\", \(LanguageQuoting.python("cat ~/.config/getmail/\(id).password")))",
            ]
        }
        if s.securityOrNone == .tls {
            lines += [
                "# getmail checks the server's certificate only when given CA certificates: these are",
                "# Debian's. A CA of your own goes here instead.",
                "ca_certs = /etc/ssl/certs/ca-certificates.crt",
            ]
        }
        if imap { lines.append("mailboxes = (\"INBOX\",)") }
        lines += [
            "",
            "[destination]",
            "type = Maildir",
            "# The folder must exist, with cur/, new/ and tmp/ in it.",
            "path = ~/Mail/\(id)/",
            "",
            "[options]",
            "# Only what is new since the last run, and nothing deleted on the server.",
            "read_all = false",
            "delete = false",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value as getmail's RawConfigParser reads it back byte for byte, or refused.
    static func value(_ v: String) throws(ExportError) -> String {
        if TextQuoting.hasLineBreakOrControl(v) { throw TextQuoting.refuse(v, "getmailrc", "it holds a line break or control character") }
        if v.first?.isWhitespace == true || v.last?.isWhitespace == true || v.isEmpty {
            throw TextQuoting.refuse(v, "getmailrc", "getmail's parser drops white space at either end")
        }
        return v
    }
}
