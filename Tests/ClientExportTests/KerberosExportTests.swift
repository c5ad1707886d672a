import ClientExport
import Foundation
import MailFormats
import MailSettings
import Testing
import TestSupport

/// A provider whose servers log in with Kerberos only, as a university or company
/// network has them.
private func kerberosProvider(smtpHost: String = "smtp.corp.example", smtpPort: Int = 587,
                              security: ConnectionSecurity = .starttls, username: UsernameTemplate = .localPart) throws -> Provider {
    let imap = try ServerSetting(protocol: .imap, hostname: Hostname("imap.corp.example"), port: Port(993), security: .tls,
                                 authentication: [.gssapi], username: .localPart)
    let smtp = try ServerSetting(protocol: .smtp, hostname: Hostname(smtpHost), port: Port(smtpPort), security: security,
                                 authentication: [.gssapi], username: username)
    return try Provider(id: "corp", displayName: "Corp (Kerberos)", kind: .mailbox, domains: ["corp.example"], servers: [imap, smtp])
}

private let address = try! EmailAddress("alice@corp.example")

@Suite struct KerberosInEachFormat {
    @Test(.needs(.xmllint))
    func thunderbirdSaysGSSAPIAndReadsBack() throws {
        let text = try ExportFormat.thunderbird.render(try kerberosProvider(), address: address)
        #expect(text.components(separatedBy: "<authentication>GSSAPI</authentication>").count == 3)
        let back = try ClientConfig.read(Array(text.utf8), source: "corp", fallbackID: "corp").provider
        #expect(back.servers.map(\.authentication) == [[.gssapi], [.gssapi]])
        let dir = TemporaryFolder()
        let file = try dir.write("corp.xml", text)
        let schema = repositoryRoot.appendingPathComponent("schemas/clientconfig-1.1.xsd").path
        let r = try Tool.run("xmllint", ["--noout", "--nonet", "--schema", schema, file.path])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test(.needs(.msmtp))
    func msmtpLogsInWithGSSAPIAndHasNoPasswordCommand() throws {
        let text = try ExportFormat.msmtp.render(try kerberosProvider(), address: address)
        #expect(!text.contains("passwordeval"))
        let dir = TemporaryFolder()
        let file = try dir.write("msmtprc", text)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let r = try Tool.run("msmtp", ["-C", file.path, "-a", "corp", "--pretend"],
                             environment: ["HOME": dir.url.path, "PATH": "/usr/bin:/bin"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.lowercased().contains("auth = gssapi\n"), "\(r.stdout)")
        #expect(r.stdout.contains("user = alice\n"), "\(r.stdout)")
        #expect(r.stdout.contains("passwordeval = (not set)\n"), "\(r.stdout)")
    }

    @Test(.needs(.neomutt))
    func neomuttLeavesTheMechanismToSASLAndAsksNoPassword() throws {
        let text = try ExportFormat.mutt.render(try kerberosProvider(), address: address)
        #expect(!text.contains("smtp_pass ="))
        #expect(text.contains("Logs in with GSSAPI"))
        let dir = TemporaryFolder()
        let file = try dir.write("muttrc", text)
        // Debian's neomutt (GNU SASL) refuses "gssapi" as an authenticator, so none is named.
        let r = try Tool.run("neomutt", ["-n", "-F", file.path, "-Q", "smtp_authenticators", "-Q", "smtp_url"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.contains("smtp_authenticators = \"\""), "\(r.stdout)")
        #expect(r.stdout.contains("smtp://alice@smtp.corp.example:587/"), "\(r.stdout)")
    }

    @Test(.needs(.git))
    func gitSendEmailUsesGSSAPI() throws {
        let text = try ExportFormat.git.render(try kerberosProvider(), address: address)
        let dir = TemporaryFolder()
        let file = try dir.write("gitconfig", text)
        let r = try Tool.run("git", ["config", "-f", file.path, "--get", "sendemail.smtpAuth"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "GSSAPI\n")
        #expect(!text.contains("password is not stored"))
    }

    /// Outlook (Autodiscover) and Apple profiles know no Kerberos for IMAP and SMTP, a .env
    /// has only a username and password, and Postfix's relay lines are for a password:
    /// each refuses, naming Kerberos, rather than write a set-up that would ask for a password.
    @Test(arguments: [ExportFormat.autodiscover, .mobileconfig, .env, .postfix])
    func formatsWithoutKerberosRefuse(_ format: ExportFormat) throws {
        let provider = try kerberosProvider()
        do {
            let text = try format.render(provider, address: address)
            Issue.record("\(format.rawValue) exported a Kerberos-only provider:\n\(text)")
        } catch {
            #expect(error.kind == .unsuitable, "\(error)")
            #expect(error.message.contains("logs in with Kerberos (GSSAPI) only"), "\(error)")
            #expect(format.unsuitability(for: provider) == error.message)
        }
    }

    /// With a password method beside Kerberos, every format has a way in.
    @Test func aPasswordBesideKerberosIsUsedWhereKerberosIsNot() throws {
        var p = try kerberosProvider()
        p.servers = p.servers.map { var s = $0; s.authentication = [.gssapi, .passwordCleartext]; return s }
        let discover = try ExportFormat.autodiscover.render(p, address: address)
        #expect(discover.contains("<AuthRequired>on</AuthRequired>"))
        #expect(discover.contains("<SPA>off</SPA>"))
        #expect(try ExportFormat.env.render(p, address: address).contains("SMTP_PASSWORD="))
    }
}

/// The exported msmtprc, used by the real msmtp with a ticket from the lab KDC, delivers a
/// message through the lab's GSSAPI port into the lab mailbox.
@Suite(.needs(.labKerberos, .msmtp))
struct MsmtpKerberosLive {
    @Test func anExportedKerberosAccountSendsAMessageThatIsDelivered() async throws {
        let lab = try #require(LabServers.current)
        let krb = try #require(lab.kerberos)
        let provider = try kerberosProvider(smtpHost: "localhost", smtpPort: lab.port(.gssapi), security: .none)
        let rcText = try ExportFormat.msmtp.render(provider, address: try EmailAddress(lab.user))
        let dir = TemporaryFolder()
        let rc = try dir.write("msmtprc", rcText)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc.path)
        let cache = try krb.ticketCache(in: dir)
        let marker = "mailconf msmtp kerberos export \(UUID().uuidString)"
        let message = "From: <\(lab.user)>\nTo: <\(lab.user)>\nSubject: \(marker)\n\nsent by msmtp with a Kerberos ticket\n"
        let r = try Tool.run("msmtp", ["-C", rc.path, "-a", "corp", lab.user], stdin: message,
                             environment: ["HOME": dir.url.path, "PATH": "/usr/bin:/bin",
                                           "KRB5_CONFIG": krb.config, "KRB5CCNAME": cache])
        #expect(r.status == 0, "msmtp: \(r.stderr)")

        let delivered = await lab.deliveredMessage(containing: marker) != nil
        #expect(delivered, "the message did not reach \(lab.maildir.path)")
    }
}
