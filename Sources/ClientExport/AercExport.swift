import MailSettings

/// An aerc account for ~/.config/aerc/accounts.conf: the IMAP source and the SMTP
/// outgoing server as URLs (aerc-imap(5), aerc-smtp(5)), the passwords by
/// `source-cred-cmd` and `outgoing-cred-cmd`.
///
/// Security, in the scheme: `imaps://` is TLS from the first byte, `imap://` STARTTLS
/// (required: aerc fails when the server does not offer it), `imap+insecure://`
/// plaintext. `smtps+plain://` is TLS from the first byte. For SMTP STARTTLS aerc 0.14
/// (Debian 12) needs `smtp://` plus `smtp-starttls = yes` (its code compares with "yes",
/// though its man page says "true"); 0.15 and later take `smtp://` as STARTTLS and only
/// warn about that line. The username is percent-encoded, as the URLs need. aerc reads
/// the file with go-ini, so a value with `#` or `;` goes in backquotes.
enum AercExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        let id = input.provider.id
        guard let imap = input.incoming(.imap) else {
            throw ExportError(.unsuitable, "\(id) has no IMAP server, and aerc reads a remote mailbox over IMAP only")
        }
        let smtp = try input.requireOutgoing()
        guard let address = input.address else {
            throw ExportError(.needsAddress, "aerc needs the From address of the account: give --email ADDRESS")
        }
        let from = try goIniValue(address.description)

        var source: String
        switch imap.securityOrNone {
        case .tls: source = "imaps"
        case .starttls: source = "imap"
        case .none: source = "imap+insecure"
        }
        source += "://" + (try userinfo(imap, input, tool: "aerc's IMAP")) + (try hostPort(imap, input))

        var outgoing: String
        var starttlsLine: [String] = []
        let auth = try smtpAuth(smtp, input)
        switch smtp.securityOrNone {
        case .tls: outgoing = "smtps" + auth
        case .starttls:
            outgoing = "smtp" + auth
            starttlsLine = [
                "# aerc 0.14 and older upgrade with STARTTLS only with this line; 0.15 and later always",
                "# do for smtp:// and warn that it is no longer needed (delete it there).",
                "smtp-starttls = yes",
            ]
        case .none:
            outgoing = "smtp+insecure" + auth
            starttlsLine = ["# Plaintext: aerc 0.14 and older write this smtp\(auth):// instead."]
        }
        outgoing += "://" + (try userinfo(smtp, input, tool: "aerc's SMTP")) + (try hostPort(smtp, input))

        var lines = [
            "# aerc account for \(input.commentName), written by mailconf: add it to ~/.config/aerc/accounts.conf,",
            "# which aerc reads only when it is yours alone (chmod 600 ~/.config/aerc/accounts.conf).",
            "# aerc trusts the system's CAs; for a CA of your own, start it as SSL_CERT_FILE=/path/to/ca.pem aerc.",
            "[\(id)]",
            "source = \(source)",
        ]
        if imap.needsAuthentication {
            lines += [
                "# The passwords are not stored here: aerc runs these commands and reads their output.",
                "# Point them at your password manager instead, e.g. pass show mail/\(id).",
                "source-cred-cmd = cat ~/.config/aerc/\(id).password",
            ]
        }
        lines.append("outgoing = \(outgoing)")
        if smtp.needsAuthentication { lines.append("outgoing-cred-cmd = cat ~/.config/aerc/\(id).password") }
        lines += starttlsLine
        lines += [
            "from = \(from)",
            "# A copy of what you send in a folder of the server: copy-to = Sent",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `+plain`, `+login` or `+none`: aerc's SMTP knows no CRAM-MD5.
    static func smtpAuth(_ s: ServerSetting, _ input: ExportInput) throws(ExportError) -> String {
        guard s.needsAuthentication else { return "+none" }
        guard s.authentication.contains(.passwordCleartext) else {
            throw ExportError(.unsupportedAuthentication,
                              "aerc's SMTP logs in with PLAIN or LOGIN only, and \(input.provider.id)'s server \(s.summary) takes \(s.authentication.map(\.rawValue).joined(separator: ", "))")
        }
        return "+plain"
    }

    /// `user@`, percent-encoded, or nothing when the server takes no login. aerc's IMAP
    /// logs in with LOGIN, a plain password.
    static func userinfo(_ s: ServerSetting, _ input: ExportInput, tool: String) throws(ExportError) -> String {
        guard s.needsAuthentication else { return "" }
        guard s.authentication.contains(.passwordCleartext) else {
            throw ExportError(.unsupportedAuthentication,
                              "\(tool) logs in with a plain password only, and \(input.provider.id)'s server \(s.summary) takes \(s.authentication.map(\.rawValue).joined(separator: ", "))")
        }
        guard let user = try input.username(s) else { return "" }
        return percentEncoded(user) + "@"
    }

    static func hostPort(_ s: ServerSetting, _ input: ExportInput) throws(ExportError) -> String {
        let host = try input.host(s)
        return (host.contains(":") ? "[\(host)]" : host) + ":\(s.portNumber)"
    }

    /// Everything but RFC 3986's unreserved characters, as UTF-8 bytes in %XX form:
    /// Go's url.Parse, which aerc uses, decodes them back.
    static func percentEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber || "-._~".contains(c)) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// A value as go-ini (1.63, aerc's reader) takes it: bare when nothing in it is
    /// special, else in backquotes, inside which it reads every byte as it is. go-ini cuts
    /// a bare value at `#` or `;`, strips surrounding quotes and white space, and joins a
    /// trailing `\` with the next line.
    static func goIniValue(_ value: String) throws(ExportError) -> String {
        if TextQuoting.hasLineBreakOrControl(value) { throw TextQuoting.refuse(value, "aerc accounts.conf", "it holds a line break or control character") }
        if TextQuoting.isPlain(value) { return value }
        if value.contains("`") { throw TextQuoting.refuse(value, "aerc accounts.conf", "it holds a backquote, and go-ini has no escape for one") }
        return "`" + value + "`"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
