import ClientExport
import Foundation
import MailSettings
import Testing
import TestSupport

/// The aerc export, used by a real aerc (Debian's) at a terminal: Tests/Terminal/
/// aerc_session.py runs it in tmux, waits until its message list shows a message put into
/// the lab mailbox (read over IMAP with the exported source), then composes and sends one
/// with the exported outgoing server, which the test finds in the lab Maildir. The lab's
/// CA goes in by SSL_CERT_FILE, the one way Go's TLS, and so aerc, takes a CA file. The
/// password comes from the cred-cmd file, never from accounts.conf.
@Suite(.serialized) struct AercExportReadsAndSendsForReal {
    static let lab = LabServers.current

    static func provider(_ lab: LabServers, imap: ConnectionSecurity, smtp: ConnectionSecurity) throws -> Provider {
        let incoming = try ServerSetting(protocol: .imap, hostname: Hostname("localhost"),
                                         port: Port(lab.port(imap == .tls ? .imaps : .imap)),
                                         security: imap, authentication: [.passwordCleartext], username: try UsernameTemplate(lab.user))
        let outgoing = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"),
                                         port: Port(lab.port(smtp == .tls ? .smtps : .submission)),
                                         security: smtp, authentication: [.passwordCleartext], username: try UsernameTemplate(lab.user))
        return try Provider(id: "lab", displayName: "Lab \"mailbox\" #1", kind: .mailbox, domains: ["example.test"],
                            servers: [incoming, outgoing])
    }

    /// IMAP over TLS with SMTP STARTTLS, and IMAP STARTTLS with SMTP over TLS: each scheme
    /// aerc is given, once.
    @Test(.needs(.lab, .aerc, .tmux, .python3),
          arguments: [(ConnectionSecurity.tls, ConnectionSecurity.starttls), (.starttls, .tls)])
    func aercListsTheMailboxAndSends(_ imap: ConnectionSecurity, _ smtp: ConnectionSecurity) async throws {
        let lab = try #require(Self.lab)
        // The From address, with what go-ini would cut a bare value at: it reaches the
        // delivered message only if aerc read it whole.
        let from = try EmailAddress("alice+x#y@example.test")
        let text = try ExportFormat.aerc.render(try Self.provider(lab, imap: imap, smtp: smtp), address: from)
        let password = lab.passwordText.trimmingCharacters(in: .newlines)
        #expect(!text.contains(password))

        let home = TemporaryFolder()
        let config = home.url.appendingPathComponent(".config")
        let accounts = try home.write(".config/aerc/accounts.conf", text)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: accounts.path)
        // The editor ends at once, which takes the composer to its review screen.
        try home.write(".config/aerc/aerc.conf", "[compose]\neditor = true\n")
        let secret = try home.write(".config/aerc/lab.password", password + "\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)

        let planted = "mailconf-aerc-in-\(UUID().uuidString.prefix(12))"
        try FetcherExportsFetchForReal.plant(lab, marker: planted)
        let sent = "mailconf-aerc-out-\(UUID().uuidString.prefix(12))"
        let script = repositoryRoot.appendingPathComponent("Tests/Terminal/aerc_session.py").path
        let run = try await offThePool {
            try Tool.run("/usr/bin/python3", [script, "--config-home", config.path, "--expect", planted, "--to", lab.user,
                                             "--subject", sent, "--ca-file", lab.caFile, "--timeout", "60"],
                         environment: ["PATH": "/usr/bin:/bin", "HOME": home.url.path])
        }
        #expect(run.status == 0, "aerc, IMAP \(imap) and SMTP \(smtp):\n\(run.stdout)\(run.stderr)\n--- accounts.conf:\n\(text)")
        #expect(!run.stdout.contains(password))
        let delivered = await lab.deliveredMessage(containing: sent)
        #expect(delivered?.contains("alice+x#y@example.test") == true,
                "aerc's message did not reach \(lab.maildir.path) from the exported From: \(delivered ?? "nothing")")
    }

    @Test func theSchemesAreAercsOwnAndTheUsernameIsPercentEncoded() throws {
        let odd = "o'brien \"q\" \\ $HOME #x ;y 100% ü@corp"
        func provider(_ imap: ConnectionSecurity, _ smtp: ConnectionSecurity, user: String = "u") throws -> Provider {
            try Provider(id: "p", displayName: "p", kind: .mailbox, domains: ["example.org"], servers: [
                try ServerSetting(protocol: .imap, hostname: Hostname("imap.example.org"), port: imap == .tls ? 993 : 143,
                                  security: imap, authentication: [.passwordCleartext], username: try UsernameTemplate.lenient(user).0),
                try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.example.org"), port: smtp == .tls ? 465 : 587,
                                  security: smtp, authentication: [.passwordCleartext], username: try UsernameTemplate.lenient(user).0),
            ])
        }
        let a = try EmailAddress("a@example.org")
        let tls = try ExportFormat.aerc.render(try provider(.tls, .tls), address: a)
        #expect(tls.contains("source = imaps://u@imap.example.org:993\n") && tls.contains("outgoing = smtps+plain://u@smtp.example.org:465\n"), "\(tls)")
        #expect(!tls.contains("smtp-starttls"))
        let starttls = try ExportFormat.aerc.render(try provider(.starttls, .starttls), address: a)
        #expect(starttls.contains("source = imap://u@imap.example.org:143\n") && starttls.contains("outgoing = smtp+plain://u@smtp.example.org:587\n")
                && starttls.contains("\nsmtp-starttls = yes\n"), "\(starttls)")
        let plain = try ExportFormat.aerc.render(try provider(.none, .none), address: a)
        #expect(plain.contains("source = imap+insecure://") && plain.contains("outgoing = smtp+insecure+plain://"), "\(plain)")

        // The username, percent-encoded, decodes back exactly; nothing in it is left bare.
        let hostile = try ExportFormat.aerc.render(try provider(.tls, .tls, user: odd), address: a)
        let source = try #require(hostile.split(separator: "\n").first { $0.hasPrefix("source = ") })
        let userinfo = try #require(source.dropFirst("source = imaps://".count).split(separator: "@", maxSplits: 1).first)
        #expect(String(userinfo).removingPercentEncoding == odd, "\(source)")
        #expect(userinfo.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "%-._~".contains($0)) }, "\(source)")

        #expect(throws: ExportError.self, "From is required") { try ExportFormat.aerc.render(try provider(.tls, .tls)) }
        let cram = try Provider(id: "c", displayName: "c", kind: .mailbox, domains: ["example.org"], servers: [
            try ServerSetting(protocol: .imap, hostname: Hostname("imap.example.org"), port: 993, security: .tls,
                              authentication: [.passwordEncrypted], username: try UsernameTemplate("u")),
            try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.example.org"), port: 465, security: .tls,
                              authentication: [.passwordCleartext], username: try UsernameTemplate("u")),
        ])
        #expect(throws: ExportError.self, "aerc's IMAP has no CRAM-MD5") { try ExportFormat.aerc.render(cram, address: a) }
    }
}
