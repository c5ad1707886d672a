import MailSettings

/// A fetchmail (6.4) poll entry for ~/.fetchmailrc, IMAP or POP3. `ssl` is TLS from the
/// first byte; without it, an `sslproto` other than the empty string makes STARTTLS
/// required, and `sslproto ""` is plaintext (fetchmail(1), --sslproto: with neither
/// option fetchmail upgrades only when offered, so the export always gives one).
/// `sslcertck` (the default since 6.4.0) is written out. The password comes from
/// ~/.netrc; fetchmail refuses an rc file others can read, so the comment says chmod 600.
enum FetchmailExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        guard let s = input.incoming.first else {
            throw ExportError(.unsuitable, "\(input.provider.id) has no IMAP or POP3 server for fetchmail")
        }
        func q(_ v: String) throws(ExportError) -> String { try TextQuoting.quotedWord(v, "fetchmailrc") }
        let host = try input.host(s)
        var lines = [
            "# fetchmail poll entry for \(input.commentName), written by mailconf: add it to ~/.fetchmailrc,",
            "# which must be readable by you alone (chmod 600 ~/.fetchmailrc): fetchmail refuses it otherwise.",
        ]
        // Server options (proto, port, auth, timeout) come first, then the user and the
        // user options (ssl, sslproto, sslcertck, keep): fetchmail's grammar has that order.
        var poll = ["poll \(try q(host)) with proto \(s.protocol == .pop3 ? "POP3" : "IMAP") port \(s.portNumber)"]
        var user: [String] = []
        if s.needsAuthentication {
            let method = try input.passwordLoginMethod(s, tool: "fetchmail")
            lines += [
                "# The password is not stored here: fetchmail reads it from ~/.netrc (chmod 600), a line",
                "#   machine \(host) login YOUR-USER-NAME password YOUR-PASSWORD",
                "# or asks for it when there is none.",
            ]
            poll.append("    auth \(method == .passwordEncrypted ? "cram-md5" : "password")")
            if let name = try input.username(s) { user.append("    user \(try q(name))") }
        }
        poll.append("    timeout 30")
        switch s.securityOrNone {
        case .tls: user.append("    ssl sslproto \"TLS1.2+\" sslcertck")
        case .starttls: user.append("    sslproto \"TLS1.2+\" sslcertck")
        case .none: user.append("    sslproto \"\"")
        }
        lines += [
            "# A CA of your own: sslcertfile /path/to/ca.pem (it replaces the system's).",
            "# Without an mda, fetchmail hands what it fetches to the SMTP server on localhost.",
            "# \"keep\" leaves the messages on the server; remove it to delete what was fetched.",
        ]
        poll += user + ["    keep"]
        return (lines + poll).joined(separator: "\n") + "\n"
    }
}
