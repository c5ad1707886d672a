import Foundation
import Testing
import TestSupport

/// verify --protocol imap|pop3 from the command line, and a provider's incoming and
/// outgoing settings checked at once, against the lab's Dovecot and Postfix.
@Suite(.serialized, .needs(.lab))
struct IncomingVerifyFromTheCommandLine {
    let lab = LabServers.current!

    @Test func imapAndPOP3SettingsAreVerifiedAndAProviderIsCheckedWhole() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let pw = cli.dir.appendingPathComponent("pw")
        try Data(lab.passwordText.utf8).write(to: pw)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pw.path)
        let common = ["--username", lab.user, "--password-file", pw.path, "--ca-file", lab.caFile, "--json"]
        let imap = try cli.run(["verify", "--protocol", "imap", "--host", "localhost", "--port", String(lab.port(.imaps)),
                                "--security", "tls", "--auth", "password-cleartext"] + common)
        #expect(imap.status == 0, "\(imap.out) \(imap.err)")
        let imapResult = try #require(try imap.json() as? [[String: Any]]).first
        #expect(imapResult?["ok"] as? Bool == true)
        #expect(imapResult?["mechanism_used"] != nil)
        #expect(!imap.out.contains(lab.passwordText))

        let pop3 = try cli.run(["verify", "--protocol", "pop3", "--host", "localhost", "--port", String(lab.port(.pop3s)),
                                "--security", "tls", "--auth", "password-cleartext", "--username", lab.user,
                                "--password-file", pw.path, "--ca-file", "/nonexistent/ca.pem", "--json"])
        #expect(pop3.status == 1)
        #expect((try pop3.json() as? [[String: Any]])?.first?["kind"] as? String == "tls-handshake-failed", "\(pop3.out)")

        // A provider of one's own with an IMAP and an SMTP server: both checked, both recorded.
        #expect(try cli.run(["servers", "add", "--provider", "home", "--protocol", "imap", "--host", "localhost",
                             "--port", String(lab.port(.imap)), "--security", "starttls", "--auth", "password-cleartext",
                             "--username", lab.user]).status == 0)
        #expect(try cli.run(["servers", "add", "--provider", "home", "--host", "localhost",
                             "--port", String(lab.port(.submission)), "--security", "starttls", "--auth", "password-cleartext",
                             "--username", lab.user]).status == 0)
        let whole = try cli.run(["verify", "home", "--password-file", pw.path, "--ca-file", lab.caFile, "--json"])
        #expect(whole.status == 0, "\(whole.out) \(whole.err)")
        let results = try #require(try whole.json() as? [[String: Any]])
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0["ok"] as? Bool == true }, "\(whole.out)")
        let shown = try cli.run(["providers", "show", "home"])
        #expect(shown.out.components(separatedBy: "  ok ").count - 1 >= 2, "\(shown.out)")
    }
}
