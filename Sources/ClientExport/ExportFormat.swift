import Failures
import MailFormats
import MailSettings

/// The client configuration files mailconf writes, one exporter each.
public enum ExportFormat: String, CaseIterable, Sendable {
    case thunderbird
    case autodiscover
    case mobileconfig
    case msmtp
    case mutt
    case git
    case postfix
    case env
    case django
    case nodemailer
    case phpmailer
    case ruby
    case spring
    case aerc
    case mbsync
    case fetchmail
    case getmail
    case offlineimap

    /// One line for `mailconf export --list`.
    public var summary: String {
        switch self {
        case .thunderbird: return "Thunderbird autoconfig XML (clientConfig v1.1; v1.2 with --config-version 1.2): config-v1.1.xml"
        case .autodiscover: return "Microsoft Autodiscover POX response (Outlook) for one address"
        case .mobileconfig: return "Apple configuration profile (iOS, iPadOS, macOS Mail): .mobileconfig"
        case .msmtp: return "msmtp account block for ~/.msmtprc (sendmail replacement)"
        case .mutt: return "mutt / neomutt sending settings (smtp_url and friends)"
        case .git: return "git send-email settings ([sendemail] for ~/.gitconfig)"
        case .postfix: return "Postfix main.cf lines to relay through the service, with the sasl_passwd line"
        case .env: return "SMTP_* variables for an application's .env file"
        case .django: return "Django settings.py lines (EMAIL_*; the password from $SMTP_PASSWORD)"
        case .nodemailer: return "Nodemailer transport options, JSON (add auth.pass from $SMTP_PASSWORD in code)"
        case .phpmailer: return "PHPMailer setup lines, PHP (the password from $SMTP_PASSWORD)"
        case .ruby: return "smtp_settings for Ruby's mail gem and ActionMailer (the password from $SMTP_PASSWORD)"
        case .spring: return "Spring Boot spring.mail.* properties (the password from ${SMTP_PASSWORD})"
        case .aerc: return "aerc account for ~/.config/aerc/accounts.conf, IMAP and SMTP (the passwords by cred-cmd; needs --email)"
        case .mbsync: return "mbsync / isync (1.4) IMAP account and channel for ~/.mbsyncrc (the password by PassCmd)"
        case .fetchmail: return "fetchmail poll entry for ~/.fetchmailrc, IMAP or POP3 (the password from ~/.netrc)"
        case .getmail: return "getmail6 getmailrc, IMAP or POP3 over TLS, into a Maildir (the password by a command)"
        case .offlineimap: return "OfflineIMAP (offlineimap3) ~/.offlineimaprc, IMAP over TLS, read-only into a Maildir"
        }
    }

    /// What a provider must have for this format to make sense.
    public var needsIncomingServer: Bool {
        switch self {
        case .thunderbird, .autodiscover, .mobileconfig, .aerc, .mbsync, .fetchmail, .getmail, .offlineimap: return true
        default: return false
        }
    }

    /// The fetchers (mbsync, fetchmail) only read mail.
    public var needsOutgoingServer: Bool { ![.mbsync, .fetchmail, .getmail, .offlineimap].contains(self) }

    /// Whether the client this format sets up can log in with OAuth2 (XOAUTH2). Postfix's
    /// SASL client and Apple's mail profiles take passwords only.
    public var supportsOAuth2: Bool {
        switch self {
        case .postfix, .mobileconfig, .django, .nodemailer, .phpmailer, .ruby, .spring, .aerc, .mbsync, .fetchmail, .getmail, .offlineimap: return false
        default: return true
        }
    }

    /// Why the client this format sets up cannot log in with Kerberos (GSSAPI), or nil when
    /// it can (Thunderbird, msmtp, mutt, git send-email).
    var kerberosGap: String? {
        switch self {
        case .autodiscover:
            // Microsoft's notes on Outlook's IMAP ([MS-STANOIMAP] 2.2.23) list PLAIN, NTLM
            // and DIGEST-MD5 as the mechanisms Outlook implements.
            return "Outlook logs in to IMAP, POP3 and SMTP with a password or NTLM (which SPA turns on), never Kerberos"
        case .mobileconfig:
            return "an Apple mail profile knows passwords, CRAM-MD5 and NTLM (EmailAuth…), not Kerberos"
        case .postfix:
            return "mailconf writes Postfix's relay settings for a password login; relaying with Kerberos needs Cyrus SASL's GSSAPI plugin and a ticket kept fresh for the postfix user"
        case .env:
            return "an application's SMTP_* settings hold a username and password only"
        case .django, .nodemailer, .phpmailer, .ruby, .spring:
            return "mailconf writes \(rawValue)'s SMTP settings for a password login only"
        case .aerc, .mbsync, .fetchmail, .getmail, .offlineimap:
            return "mailconf writes \(rawValue)'s account for a password login only"
        case .thunderbird, .msmtp, .mutt, .git:
            return nil
        }
    }

    /// A file name the format is usually saved under.
    public var suggestedFileName: String {
        switch self {
        case .thunderbird: return "config-v1.1.xml"
        case .autodiscover: return "autodiscover.xml"
        case .mobileconfig: return "mail.mobileconfig"
        case .msmtp: return "msmtprc"
        case .mutt: return "muttrc"
        case .git: return "gitconfig"
        case .postfix: return "main.cf"
        case .env: return ".env"
        case .django: return "email_settings.py"
        case .nodemailer: return "nodemailer.json"
        case .phpmailer: return "phpmailer.php"
        case .ruby: return "smtp_settings.rb"
        case .spring: return "application.properties"
        case .aerc: return "accounts.conf"
        case .mbsync: return "mbsyncrc"
        case .fetchmail: return "fetchmailrc"
        case .getmail: return "getmailrc"
        case .offlineimap: return "offlineimaprc"
        }
    }

    /// Can this provider be written in this format? nil when it can, else why not.
    public func unsuitability(for provider: Provider) -> String? {
        let input = ExportInput(provider: provider, address: nil)
        if needsIncomingServer && input.incoming.isEmpty {
            return "\(provider.id) has no incoming (IMAP or POP3) server, and a \(rawValue) file sets up a mailbox that needs one"
                + (provider.kind == .relay ? "; for a relay service use msmtp, mutt, git, postfix, env, django, nodemailer, phpmailer, ruby or spring" : "")
        }
        if needsOutgoingServer && input.outgoing == nil {
            return "\(provider.id) has no outgoing (SMTP) server, and a \(rawValue) file needs one"
        }
        let used = (needsOutgoingServer ? [input.outgoing].compactMap { $0 } : []) + (needsIncomingServer ? [input.incoming[0]] : [])
        if let gap = kerberosGap, let s = used.first(where: { input.usesKerberos($0) }) {
            return "\(provider.id)'s \(s.protocol.rawValue.uppercased()) server \(s.summary) logs in with Kerberos (GSSAPI) only, and \(gap)"
        }
        if !supportsOAuth2, let s = used.first(where: { $0.needsAuthentication && input.passwordMethod($0) == nil }) {
            return "\(provider.id)'s \(s.protocol.rawValue.uppercased()) server \(s.summary) logs in with \(s.authentication.map(\.rawValue).joined(separator: ", ")) only, and a \(rawValue) file can set up password logins only"
        }
        return nil
    }

    /// Writes the provider's settings in this format. With an address, placeholders are
    /// filled in; formats that cannot keep placeholders ask for one.
    public func render(_ provider: Provider, address: EmailAddress? = nil,
                       options: ExportOptions = ExportOptions()) throws(ExportError) -> String {
        if let why = unsuitability(for: provider) { throw ExportError(.unsuitable, why) }
        let input = ExportInput(provider: provider, address: address)
        switch self {
        case .thunderbird: return try ThunderbirdExport.render(input, version: options.clientConfigVersion,
                                                                 includeExtension: options.includeMailconfExtension)
        case .autodiscover: return try AutodiscoverExport.render(input)
        case .mobileconfig: return try MobileConfigExport.render(input)
        case .msmtp: return try MsmtpExport.render(input)
        case .mutt: return try MuttExport.render(input)
        case .git: return try GitSendEmailExport.render(input)
        case .postfix: return try PostfixRelayExport.render(input)
        case .env: return try DotEnvExport.render(input)
        case .django: return try DjangoExport.render(input)
        case .nodemailer: return try NodemailerExport.render(input)
        case .phpmailer: return try PHPMailerExport.render(input)
        case .ruby: return try RubyMailExport.render(input)
        case .spring: return try SpringBootExport.render(input)
        case .aerc: return try AercExport.render(input)
        case .mbsync: return try MbsyncExport.render(input)
        case .fetchmail: return try FetchmailExport.render(input)
        case .getmail: return try GetmailExport.render(input)
        case .offlineimap: return try OfflineIMAPExport.render(input)
        }
    }
}

public struct ExportOptions: Sendable {
    /// Thunderbird: keep mailconf's own `mc:` elements (Thunderbird ignores them).
    public var includeMailconfExtension: Bool
    /// Thunderbird: the clientConfig version written (1.1 unless asked).
    public var clientConfigVersion: ClientConfig.Version
    public init(includeMailconfExtension: Bool = true, clientConfigVersion: ClientConfig.Version = .v1_1) {
        self.includeMailconfExtension = includeMailconfExtension
        self.clientConfigVersion = clientConfigVersion
    }
}

/// Why a file could not be written; the message says what to do.
public struct ExportError: MailconfError, Equatable {
    public var kind: FailureKind
    public var message: String

    public init(_ kind: FailureKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The kinds of failure writing a client's configuration raises.
extension FailureKind {
    /// The provider lacks what the format needs (an incoming server, …).
    public static let unsuitable = FailureKind("format-unsuitable")
    /// The format has no place for a placeholder: an address is needed.
    public static let needsAddress = FailureKind("address-needed")
    /// A value the format cannot carry (a newline, a quote, …).
    public static let unrepresentable = FailureKind("value-unrepresentable")
    /// No authentication the format knows.
    public static let unsupportedAuthentication = FailureKind("authentication-unsupported")
}
