import MailSettings

/// How bad a finding is: an error will not work (or leaks a secret), a warning often
/// fails or is risky, info is worth knowing.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info, warning, error

    public static func < (a: Severity, b: Severity) -> Bool {
        let order: [Severity] = [.info, .warning, .error]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// One thing a rule found about a setting, with the fix it suggests.
public struct LintFinding: Sendable, Codable, Equatable {
    /// Stable id of the rule, such as `port-security-mismatch`.
    public var rule: String
    public var severity: Severity
    public var message: String
    public var fix: String?

    public init(rule: String, severity: Severity, message: String, fix: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.fix = fix
    }
}

/// The static checks: pure functions over settings, no network.
public enum Linter {

    /// Findings for one setting. `reference` is what the catalog knows about the same
    /// host (a preset), for the rules that depend on the provider's conventions.
    public static func lint(_ s: ServerSetting, reference: Provider? = nil) -> [LintFinding] {
        var out: [LintFinding] = []
        guard let port = s.port?.value, let security = s.security else { return out }
        let host = s.hostname?.name ?? ""

        out += portRules(s, port: port, security: security)
        out += securityRules(s, security: security)
        if s.protocol == .smtp && port == 25 {
            out.append(LintFinding(
                rule: "port-25-submission", severity: .warning,
                message: "port 25 is for server-to-server relay; many ISPs and cloud networks block it for clients",
                fix: "use port 587 with STARTTLS or 465 with SSL/TLS"))
        }
        if let usual = WellKnownPorts.usual[s.protocol], !usual.contains(port) {
            out.append(LintFinding(
                rule: "unusual-port", severity: .info,
                message: "port \(port) is not a usual \(s.protocol.rawValue.uppercased()) port (\(usual.sorted().map(String.init).joined(separator: ", ")))",
                fix: "check the provider's documentation"))
        }
        if let username = s.username {
            for problem in username.problems {
                out.append(LintFinding(
                    rule: "unknown-placeholder", severity: .error,
                    message: "username '\(username.text)': \(problem); it would be sent literally",
                    fix: "use %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%"))
            }
        }
        out += providerConventions(s, host: host, reference: reference)
        return out
    }

    /// The port and the security must agree (RFC 8314): TLS from the first byte or
    /// STARTTLS, as the port says.
    static func portRules(_ s: ServerSetting, port: UInt16, security: ConnectionSecurity) -> [LintFinding] {
        var out: [LintFinding] = []
        if WellKnownPorts.implicitTLS.contains(port) && security != .tls {
            out.append(LintFinding(
                rule: "port-security-mismatch", severity: .error,
                message: "port \(port) expects SSL/TLS from the first byte, not \(security.label)",
                fix: "use security tls (SSL/TLS) on port \(port), or port \(s.protocol == .smtp ? 587 : s.protocol == .imap ? 143 : 110) with STARTTLS"))
        } else if WellKnownPorts.plaintextFirst.contains(port) && security == .tls {
            out.append(LintFinding(
                rule: "port-security-mismatch", severity: .error,
                message: "port \(port) starts in plaintext (upgraded with STARTTLS); SSL/TLS from the first byte fails there",
                fix: "use security starttls on port \(port), or port \(s.protocol == .smtp ? 465 : s.protocol == .imap ? 993 : 995) with SSL/TLS"))
        }

        return out
    }

    /// What a login shows without TLS, and what Kerberos needs.
    static func securityRules(_ s: ServerSetting, security: ConnectionSecurity) -> [LintFinding] {
        var out: [LintFinding] = []
        if security == .none && s.authentication.contains(where: { $0 == .passwordCleartext || $0 == .ntlm }) {
            out.append(LintFinding(
                rule: "password-without-encryption", severity: .error,
                message: "the password would cross the network unencrypted (no TLS)",
                fix: "use STARTTLS or SSL/TLS; every provider worth using offers one"))
        }
        if security == .none && s.authentication.contains(.passwordEncrypted) {
            out.append(LintFinding(
                rule: "cram-md5-without-tls", severity: .warning,
                message: "CRAM-MD5 without TLS hides the password but shows the username and the mail, and the exchange can be attacked offline",
                fix: "use STARTTLS or SSL/TLS"))
        }
        if security == .none && s.authentication.contains(.gssapi) {
            out.append(LintFinding(
                rule: "kerberos-without-tls", severity: .warning,
                message: "Kerberos proves who you are without sending a password, but clients take no GSSAPI security layer, so without TLS the mail and the session after the login travel unprotected and can be taken over",
                fix: "use STARTTLS or SSL/TLS"))
        }
        if s.authentication.contains(.gssapi), let name = s.hostname, name.isIPAddress {
            out.append(LintFinding(
                rule: "kerberos-needs-host-name", severity: .error,
                message: "Kerberos asks the KDC for a ticket for the server by name (\(s.protocol == .smtp ? "smtp" : s.protocol == .imap ? "imap" : "pop")@HOST); an IP address such as \(name.name) has no service principal",
                fix: "use the server's host name, the one in its keytab"))
        }
        return out
    }

    /// Rules that know a provider's habits.
    static func providerConventions(_ s: ServerSetting, host: String, reference: Provider?) -> [LintFinding] {
        var out: [LintFinding] = []
        let usesPassword = s.authentication.contains { $0.usesPassword }
        if let reference, usesPassword {
            let known = reference.servers.filter { $0.hostname?.name == host }
            if !known.isEmpty, known.allSatisfy({ $0.authentication == [.oauth2] }) {
                out.append(LintFinding(
                    rule: "oauth2-only", severity: .error,
                    message: "\(reference.displayName) accepts only OAuth2 on \(host); a password is refused",
                    fix: "use a client with OAuth2 (XOAUTH2)"))
            } else if known.contains(where: { $0.authentication.first == .oauth2 }) {
                out.append(LintFinding(
                    rule: "app-password", severity: .info,
                    message: "\(reference.displayName) prefers OAuth2; with a password, it wants an app password, not the account password",
                    fix: "create an app password in the account's security settings, or use OAuth2"))
            }
        }
        let username = s.username?.text
        if host == "smtp.sendgrid.net", username != "apikey" {
            out.append(LintFinding(
                rule: "sendgrid-username", severity: .error,
                message: "SendGrid's SMTP username is literally 'apikey', not \(username.map { "'\($0)'" } ?? "your own")",
                fix: "set the username to apikey and use an API key with Mail Send permission as the password"))
        }
        if host.hasSuffix(".amazonaws.com"), host.hasPrefix("email-smtp") {
            let labels = host.split(separator: ".")
            if labels.count < 4 {
                out.append(LintFinding(
                    rule: "ses-regional-host", severity: .error,
                    message: "Amazon SES has no global SMTP host; it is email-smtp.REGION.amazonaws.com",
                    fix: "use the host of the region where the sending identity is verified, e.g. email-smtp.eu-west-1.amazonaws.com"))
            } else {
                out.append(LintFinding(
                    rule: "ses-smtp-credentials", severity: .info,
                    message: "Amazon SES takes SMTP credentials made for this region (\(labels[1])), not IAM access keys or another region's",
                    fix: "create SMTP credentials in the SES console of region \(labels[1])"))
            }
        }
        if host.hasSuffix("postmarkapp.com"), let username, username.contains("%") {
            out.append(LintFinding(
                rule: "postmark-token", severity: .error,
                message: "Postmark's SMTP username and password are both the server API token, not an address",
                fix: "put the server token as username and as password (or use an SMTP token pair)"))
        }
        return out
    }

    /// Findings for a provider's settings, each listed with the index of its server, plus
    /// the rules over alternatives (duplicates).
    public static func lint(_ provider: Provider, reference: Provider? = nil) -> [(server: Int?, finding: LintFinding)] {
        var out: [(Int?, LintFinding)] = []
        for (i, s) in provider.servers.enumerated() {
            out += lint(s, reference: reference ?? provider).map { (i, $0) }
        }
        var seen: [String: Int] = [:]
        for (i, s) in provider.servers.enumerated() {
            let key = "\(s.protocol)|\(s.hostname?.name ?? s.url ?? "")|\(s.port?.description ?? "")|\(s.security?.rawValue ?? "")"
            if let first = seen[key] {
                out.append((i, LintFinding(
                    rule: "duplicate-alternative", severity: .warning,
                    message: "the same as alternative \(first + 1) (\(s.summary))",
                    fix: "remove one, or make them differ")))
            } else {
                seen[key] = i
            }
        }
        return out
    }
}
