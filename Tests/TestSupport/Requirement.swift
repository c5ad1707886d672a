import Foundation
import Testing

/// What a test needs from outside the repository: the lab, a program, a library, a
/// folder. Each gate (`.needs(…)`) and the CI check read these same facts; a test whose
/// requirement is missing is reported skipped, saying what to install.
public enum Requirement: String, CaseIterable, Sendable, CustomStringConvertible {
    // What scripts/test.sh sets up
    case lab, labKerberos, labPostgres, labPebble, ispdb, installedPrefix, browser, checkdmarc
    // Programs and files
    case openssl, curl, xmllint, python3, ruby, php, msmtp, neomutt, git, postconf, man, systemdAnalyze, strace
    case publicSuffixList, mbsync, fetchmail, getmail, offlineimap, aerc, tmux
    // Application frameworks the exports are sent with
    case django, nodemailer, phpmailer, rubyMail, jakartaMail

    public var description: String { rawValue }

    /// Whether this machine (and this run) has it.
    public var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        func tools(_ names: String...) -> Bool { names.allSatisfy { Tool.path($0) != nil } }
        func files(_ paths: String...) -> Bool { paths.allSatisfy { FileManager.default.fileExists(atPath: $0) } }
        switch self {
        case .lab: return LabServers.current != nil
        case .labKerberos: return LabServers.current?.kerberos != nil
        case .labPostgres: return LabServers.current?.postgres != nil
        case .labPebble: return LabServers.current?.pebbleDirectory != nil
        case .ispdb: return TestEnvironment.ispdbDirectory() != nil
        case .installedPrefix: return environment["MAILCONF_INSTALLED_PREFIX"] != nil
        case .browser: return environment["MAILCONF_BROWSER"] == "ready"
        case .checkdmarc: return environment["MAILCONF_CHECKDMARC"] == "ready"
        case .openssl: return tools("/usr/bin/openssl")
        case .curl: return tools("curl")
        case .xmllint: return tools("xmllint")
        case .python3: return tools("/usr/bin/python3")
        case .ruby: return tools("ruby")
        case .php: return tools("php")
        case .msmtp: return tools("msmtp")
        case .neomutt: return tools("neomutt")
        case .git: return tools("git")
        case .postconf: return tools("postconf")
        case .man: return tools("man")
        case .systemdAnalyze: return tools("systemd-analyze")
        case .strace: return tools("strace")
        case .publicSuffixList: return files("/usr/share/publicsuffix/public_suffix_list.dat")
        case .mbsync: return tools("mbsync")
        case .fetchmail: return tools("fetchmail")
        case .getmail: return tools("getmail")
        case .offlineimap: return tools("offlineimap") && files("/usr/share/offlineimap3/offlineimap/CustomConfig.py")
        case .aerc: return tools("aerc")
        case .tmux: return tools("tmux")
        case .django: return tools("/usr/bin/python3") && files("/usr/lib/python3/dist-packages/django")
        case .nodemailer: return tools("node") && files("/usr/share/nodejs/nodemailer")
        case .phpmailer: return tools("php") && files("/usr/share/php/libphp-phpmailer/autoload.php")
        case .rubyMail: return tools("ruby") && files("/usr/lib/ruby/vendor_ruby/mail.rb")
        case .jakartaMail: return tools("java", "keytool") && files("/usr/share/java/jakarta-mail.jar", "/usr/share/java/jakarta-activation.jar")
        }
    }

    /// The Debian packages that bring it (for the lab: what scripts/test-servers.sh runs).
    public var packages: [String] {
        switch self {
        case .lab: return ["postfix", "dovecot-core", "dovecot-imapd", "dovecot-pop3d", "dovecot-gssapi", "openssl", "dnsmasq-base",
                           "krb5-kdc", "krb5-admin-server", "krb5-user", "pebble", "postgresql", "curl"]
        case .labKerberos: return ["krb5-kdc", "krb5-admin-server", "krb5-user", "dovecot-gssapi", "faketime"]
        case .labPostgres: return ["postgresql"]
        case .labPebble: return ["pebble"]
        case .ispdb, .installedPrefix: return []
        case .browser: return ["chromium", "chromium-driver", "python3-venv"]
        case .checkdmarc: return ["python3-venv"]
        case .openssl: return ["openssl"]
        case .curl: return ["curl"]
        case .xmllint: return ["libxml2-utils"]
        case .python3: return ["python3"]
        case .ruby: return ["ruby"]
        case .php: return ["php-cli"]
        case .msmtp: return ["msmtp"]
        case .neomutt: return ["neomutt"]
        case .git: return ["git"]
        case .postconf: return ["postfix"]
        case .man: return ["man-db"]
        case .systemdAnalyze: return ["systemd"]
        case .strace: return ["strace"]
        case .publicSuffixList: return ["publicsuffix"]
        case .mbsync: return ["isync"]
        case .fetchmail: return ["fetchmail"]
        case .getmail: return ["getmail6"]
        case .offlineimap: return ["offlineimap3"]
        case .aerc: return ["aerc"]
        case .tmux: return ["tmux"]
        case .django: return ["python3-django"]
        case .nodemailer: return ["node-nodemailer"]
        case .phpmailer: return ["libphp-phpmailer", "php-cli"]
        case .rubyMail: return ["ruby-mail"]
        case .jakartaMail: return ["libjakarta-mail-java", "openjdk-17-jdk-headless"]
        }
    }

    /// Why it is missing and how to get it, naming the Debian packages.
    public var missing: String {
        let install = packages.isEmpty ? "" : " (Debian: apt-get install \(packages.joined(separator: " ")))"
        switch self {
        case .lab: return "no lab: scripts/test.sh starts it (scripts/test-servers.sh start, then MAILCONF_TEST_SERVERS=the env file it prints)" + install
        case .labKerberos: return "no lab KDC: scripts/test.sh starts the lab with its Kerberos realm" + install
        case .labPostgres: return "no lab PostgreSQL: scripts/test.sh starts the lab with its clusters" + install
        case .labPebble: return "no lab pebble: scripts/test.sh starts the lab with its ACME server" + install
        case .ispdb: return "no ISPDB copy: set MAILCONF_ISPDB to a folder of clientConfig files (../shared/ispdb by default)"
        case .installedPrefix: return "nothing installed: scripts/test.sh runs scripts/install.sh into a temporary prefix (MAILCONF_INSTALLED_PREFIX)"
        case .browser: return "no browser: scripts/test.sh sets up Chromium and selenium from PyPI (scripts/browser.sh, MAILCONF_BROWSER=ready)" + install
        case .checkdmarc: return "no checkdmarc: scripts/test.sh sets it up from PyPI (scripts/checkdmarc-peer.sh, MAILCONF_CHECKDMARC=ready)" + install
        default: return "\(name) is missing" + install
        }
    }

    /// What it is called where it is missing.
    var name: String {
        switch self {
        case .systemdAnalyze: return "systemd-analyze"
        case .publicSuffixList: return "the Public Suffix List"
        case .django: return "Django"
        case .nodemailer: return "Nodemailer"
        case .phpmailer: return "PHPMailer"
        case .rubyMail: return "Ruby's mail gem"
        case .jakartaMail: return "Jakarta Mail with a JDK"
        default: return rawValue
        }
    }

    /// Whether a missing requirement fails the run: with CI set (CI runs with CI=true) or
    /// MAILCONF_REQUIRE_LAB=1. `scripts/test.sh --quick` unsets both.
    public static var areRequired: Bool {
        let environment = ProcessInfo.processInfo.environment
        let ci = environment["CI"].map { !["", "0", "false"].contains($0.lowercased()) } ?? false
        return ci || environment["MAILCONF_REQUIRE_LAB"] == "1"
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test or suite only when every requirement is there; else it is reported
    /// skipped, naming what is missing and its Debian packages.
    public static func needs(_ requirements: Requirement..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let missing = requirements.filter { !$0.isAvailable }
        return .enabled(if: missing.isEmpty, Comment(rawValue: missing.map(\.missing).joined(separator: "; ")),
                        sourceLocation: sourceLocation)
    }
}
