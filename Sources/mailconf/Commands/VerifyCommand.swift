import ArgumentParser
import Catalog
import Failures
import Foundation
import Kerberos
import MailNet
import MailSettings
import SASL
import UseCases
import Validator

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Connect to an SMTP, IMAP or POP3 server and check that a setting really works.",
        discussion: """
        Connects with mailconf's own clients: every address of the host, TLS or \
        STARTTLS (never falling back to plaintext), certificate checks, then EHLO and \
        AUTH for SMTP, CAPABILITY and the login for IMAP (--protocol imap), CAPA and \
        the login for POP3 (--protocol pop3). For SMTP it then asks whether the server \
        would take mail from this client (MAIL FROM, RCPT TO an address in another \
        domain, then RSET), so "STARTTLS first" and "authentication required" show up \
        without sending anything. With --send-test-to it sends a real test message. A \
        provider (or its #ID) is checked on all its settings at once, incoming and \
        outgoing.

        The password (or OAuth2 token) never comes from the command line: use \
        --password-env VAR or --password-file FILE (its first line; a file only its \
        owner may read, chmod 600), or type it at the prompt.

        Kerberos (--auth gssapi, or a setting whose authentication is gssapi) needs no \
        password: it logs in with your ticket from kinit (the cache KRB5CCNAME names, or \
        krb5.conf's default), or with a client keytab given by --keytab (its tickets stay \
        in memory). The ticket is for the service principal smtp@HOST, imap@HOST or \
        pop@HOST (RFC 4752), HOST being the name you connect to, as in the server's \
        keytab; --service-principal names another. Kerberos is MIT Kerberos' GSS-API library, loaded when a login \
        needs it (Debian/Ubuntu package libgssapi-krb5-2, Fedora krb5-libs); \
        MAILCONF_GSSAPI_LIBRARY names another file.

        Examples:
          mailconf verify sendgrid --username apikey --password-env SENDGRID_API_KEY
          mailconf verify --host smtp.example.org --port 587 --security starttls \\
              --auth plain --username me@example.org \\
              --password-file ~/.config/smtp-pass
          mailconf verify fastmail --email me@fastmail.com --json
          kinit alice@EXAMPLE.ORG
          mailconf verify --host mail.example.org --port 587 --security starttls \\
              --auth gssapi

        A failure has a stable kind (in --json: "kind"): \(FailureKind.verifyGeneral.map(\.listed).joined(separator: ", ")); \
        for Kerberos \(FailureKind.verifyKerberos.map(\.listed).joined(separator: ", ")). When another port, \
        security or mechanism on the same host works, the result names it.

        A provider is checked on all its settings at once. Exit status: 0 when the \
        setting works (for a provider: when at least one of its settings works), 1 when \
        not, 2 usage error.
        """
    )

    @Argument(help: "Provider id, mail domain, e-mail address or server id (#12). Omit it to give --host … instead.")
    var name: String?

    @OptionGroup var fields: ServerFields

    @Option(help: "Your address: fills in %EMAILADDRESS% and the other placeholders of a preset's username.")
    var email: String?

    @Option(name: .customLong("password-env"), help: "Read the password (or token) from this environment variable.")
    var passwordEnv: String?

    @Option(name: .customLong("password-file"), help: "Read the password (or token) from this file (its first line, mode 600).")
    var passwordFile: String?

    @Option(help: ArgumentHelp("Kerberos: your principal (alice@EXAMPLE.ORG), when the credential cache or keytab holds several.", valueName: "principal"))
    var principal: String?

    @Option(help: ArgumentHelp("Kerberos: log in with the key in this client keytab instead of a ticket from kinit.", valueName: "file"))
    var keytab: String?

    @Option(name: .customLong("service-principal"),
            help: ArgumentHelp("Kerberos: the server's principal, as service@host or smtp/host@REALM (default smtp@HOST, imap@HOST or pop@HOST).", valueName: "name"))
    var servicePrincipal: String?

    @Option(name: .customLong("ca-file"), help: "Trust only the CAs in this PEM file (for a private CA).")
    var caFile: String?

    @Flag(name: .customLong("insecure-skip-verify"), help: "Do not verify the server's certificate (the result says so).")
    var skipVerify = false

    @Flag(name: .customLong("allow-plaintext-auth"), help: "Allow PLAIN/LOGIN over a connection without TLS.")
    var allowPlaintextAuth = false

    @Option(help: "Seconds to wait for the connection, for each reply, and for the Kerberos KDC.")
    var timeout: Double = 15

    @Option(name: .customLong("send-test-to"), help: "Send a real test message to this address.")
    var sendTestTo: String?

    @Option(help: "Sender address for the test message (and for the MAIL FROM check).")
    var from: String?

    @Flag(help: "Also print addresses, capabilities, certificate, timings and the transcript (credentials redacted).")
    var verbose = false

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() async throws {
        if sendTestTo != nil && from == nil { throw ArgumentParser.ValidationError("--send-test-to needs --from ADDRESS") }
        for a in [sendTestTo, from, email].compactMap({ $0 }) {
            _ = try usage { () throws(MailSettings.ValidationError) in try EmailAddress(a) }
        }
        let explicit = try explicitMechanism()
        let settings = try resolveSettings(explicit: explicit)
        let secret = try readSecret(needed: settings.contains { mechanism(for: $0.setting, explicit: explicit) != .gssapi
            && $0.setting.authentication.contains { $0.usesPassword || $0 == .oauth2 } })
        let trust: TrustPolicy = skipVerify ? .noVerification : caFile.map { .caFile($0) } ?? .system
        let kerberos = KerberosOptions(principal: principal, keytab: keytab, servicePrincipal: servicePrincipal)
        let targets = settings.map { item in
            var request = VerifyRequest(setting: item.setting, username: item.username, secret: secret,
                                        mechanism: mechanism(for: item.setting, explicit: explicit), trust: trust,
                                        allowPlaintextAuth: allowPlaintextAuth, timeout: timeout, sender: from,
                                        recipients: sendTestTo.map { [$0] } ?? [], keepTranscript: verbose)
            request.kerberos = kerberos
            // Kerberos logs in as the ticket's principal; a username (the authorization
            // identity, to act as someone else) only when asked for with --username.
            if request.usesKerberos { request.username = fields.username }
            return VerificationTarget(request: request, providerID: item.providerID)
        }
        let progress = !output.json && targets.count > 1 && isatty(STDERR_FILENO) == 1
        let results = await Verification.check(targets) { r in
            if progress { Output.standardError("checked \(r.setting): \(r.ok ? "works" : r.kind?.name ?? "fails")\n") }
        }
        // Remember the outcome for 'providers show' (catalog settings only).
        if targets.contains(where: { $0.providerID != nil }) {
            let cat = try catalog.open()
            try attempt { try Verification.record(results, of: targets, in: cat) }
        }
        if output.json {
            Output.json(results)
        } else {
            for r in results { print(Self.render(r, verbose: verbose)) }
        }
        if !results.contains(where: \.ok) { throw ExitCode.failure }
    }

    struct Item { var setting: ServerSetting; var username: String?; var providerID: String? }

    func resolveSettings(explicit: MechanismName?) throws -> [Item] {
        let address = try email.map { e in try usage { () throws(MailSettings.ValidationError) in try EmailAddress(e) } }
        func username(_ s: ServerSetting) throws -> String? {
            if let given = fields.username { return given }
            // A Kerberos login is the ticket's principal: the template is not needed.
            guard let template = s.username, mechanism(for: s, explicit: explicit) != .gssapi else { return nil }
            if template.isLiteral { return template.text }
            guard let address else {
                throw ArgumentParser.ValidationError("the username is '\(template.text)': give --email ADDRESS to fill it in, or --username")
            }
            return template.expanded(for: address)
        }
        switch try fields.select(name: name, catalog: { try catalog.open() }, defaultAuth: [.none], lenientUsername: false) {
        case .server(let found):
            guard Self.verifiable(found.server) else { throw unsupported(found.server) }
            return [Item(setting: found.server, username: try username(found.server), providerID: found.providerID)]
        case .provider(let entry):
            var items: [Item] = []
            for s in entry.provider.servers where Self.verifiable(s) {
                var setting = s
                if let address, let host = s.hostname, host.isTemplate {
                    setting.hostname = try usage { () throws(MailSettings.ValidationError) in try host.expanded(for: address) }
                }
                items.append(Item(setting: setting, username: try username(s), providerID: entry.provider.id))
            }
            guard !items.isEmpty else {
                throw CLIError(kind: .noServerToVerify, message: "\(entry.provider.id) has no SMTP, IMAP or POP3 server to verify")
            }
            return items
        case .given(let setting):
            guard Self.verifiable(setting) else { throw unsupported(setting) }
            return [Item(setting: setting, username: fields.username, providerID: nil)]
        }
    }

    /// The protocols mailconf has a client for.
    static func verifiable(_ s: ServerSetting) -> Bool { [.smtp, .imap, .pop3].contains(s.protocol) }

    func unsupported(_ s: ServerSetting) -> CLIError {
        CLIError(kind: .unsupportedProtocol,
                 message: "\(s.protocol.rawValue.uppercased()) \(s.summary) is not an SMTP, IMAP or POP3 server: verify has clients for those three")
    }

    /// `--auth plain` (and login, cram-md5, xoauth2, gssapi) names the SASL mechanism to
    /// use; --keytab, --principal or --service-principal mean Kerberos.
    func explicitMechanism() throws -> MechanismName? {
        let names = ServerFieldText.names(fields.auth).map { $0.lowercased() }
        let named = names.first { ["plain", "login", "cram-md5", "xoauth2", "gssapi", "kerberos"].contains($0) }
            .map { $0 == "kerberos" ? MechanismName.gssapi : MechanismName($0) }
        let kerberosOptions = [("--keytab", keytab), ("--principal", principal), ("--service-principal", servicePrincipal)]
            .filter { $0.1 != nil }.map(\.0)
        guard let first = kerberosOptions.first else { return named }
        if let named, named != .gssapi {
            throw ArgumentParser.ValidationError("\(first) is for a Kerberos login, and --auth asks for \(named): drop one of them")
        }
        if passwordEnv != nil || passwordFile != nil {
            throw ArgumentParser.ValidationError("\(first) is for a Kerberos login, which takes no password: drop --password-env/--password-file")
        }
        return .gssapi
    }

    /// The mechanism for one setting: the one asked for, else GSSAPI when Kerberos is the
    /// setting's way of logging in and no password was given, else the strongest offered.
    func mechanism(for setting: ServerSetting, explicit: MechanismName?) -> MechanismName? {
        if let explicit { return explicit }
        let passwordGiven = passwordEnv != nil || passwordFile != nil
        return setting.loginPlan(secretAtHand: passwordGiven) == .kerberos ? .gssapi : nil
    }

    func readSecret(needed: Bool) throws -> Secret? {
        if passwordEnv != nil && passwordFile != nil {
            throw ArgumentParser.ValidationError("give --password-env or --password-file, not both")
        }
        if let passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[passwordEnv], !value.isEmpty else {
                throw CLIError(kind: .credentialsMissing, message: "the environment variable \(passwordEnv) is not set or empty")
            }
            return Secret(value)
        }
        if let passwordFile {
            // Owner-only and bounded, as for the catalog's and the admin listener's secrets.
            let data: Data
            do { data = try PrivateFile.read(passwordFile, limit: 65_536) } catch {
                let hint = switch error {
                case .cannotRead: "; check the path and its permissions"
                case .notRegular, .tooLarge: "; give the file that holds the password"
                case .readableByOthers: ""
                }
                throw CLIError(kind: .credentialsMissing, message: "the password file \(passwordFile) \(error)\(hint)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError(kind: .credentialsMissing, message: "the password file \(passwordFile) is not UTF-8 text; save it as UTF-8")
            }
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return Secret(line.hasSuffix("\r") ? String(line.dropLast()) : line)
        }
        guard needed else { return nil }
        guard isatty(STDIN_FILENO) == 1, let typed = getpass("Password (not shown): ") else {
            throw CLIError(kind: .credentialsMissing,
                           message: "this setting needs a password: give --password-env VAR or --password-file FILE (no terminal to ask on)")
        }
        return Secret(String(cString: typed))
    }

    static func render(_ r: VerifyResult, verbose: Bool) -> String {
        var lines: [String] = []
        let time = String(format: "%.2f s", r.totalSeconds)
        if r.ok {
            lines.append("ok    \(r.setting)  \(r.message)\(r.mechanismUsed.map { " (AUTH \($0))" } ?? "")  \(time)")
        } else {
            lines.append("FAIL  \(r.setting)  \(r.kind?.name ?? "error"): \(r.message)  \(time)")
        }
        if let tls = r.tls, !tls.verified { lines.append("      certificate NOT verified (--insecure-skip-verify)") }
        if let id = r.queueID { lines.append("      queue id: \(id)\(r.retries > 0 ? " (after \(r.retries) retr\(r.retries == 1 ? "y" : "ies"))" : "")") }
        if let suggestion = r.suggestion {
            lines.append("      instead: \(suggestion)")
        } else if let alternatives = r.alternatives, !alternatives.isEmpty {
            lines.append("      no alternative on this host worked either: "
                         + alternatives.map { "\($0.setting) \($0.kind?.name ?? "ok")" }.joined(separator: "; "))
        }
        guard verbose else { return lines.joined(separator: "\n") }
        lines.append("      addresses: " + r.addresses.map { $0.address + ($0.error.map { " (\($0))" } ?? " (connected)") }.joined(separator: ", "))
        if let before = r.capabilitiesBeforeTLS { lines.append("      capabilities before TLS: \(before.joined(separator: ", "))") }
        if let caps = r.capabilities { lines.append("      capabilities: \(caps.joined(separator: ", "))") }
        if let tls = r.tls {
            lines.append("      TLS: \(tls.version ?? "?")\(tls.verified ? ", certificate verified" : "")")
            if let c = tls.certificate {
                lines.append("      certificate: \(c.subject); issuer \(c.issuer); names \((c.dnsNames + c.ipAddresses).joined(separator: ", ")); valid \(c.notValidBefore.formatted(.iso8601)) to \(c.notValidAfter.formatted(.iso8601))")
            }
        }
        lines.append("      timings: " + r.timings.map { String(format: "%@ %.3f s", $0.phase, $0.seconds) }.joined(separator: ", "))
        if let t = r.transcript { lines.append(t.text.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n")) }
        return lines.joined(separator: "\n")
    }
}
