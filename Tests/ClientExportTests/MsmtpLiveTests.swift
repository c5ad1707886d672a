import ClientExport
import Foundation
import MailSettings
import Testing
import TestSupport

/// The exported msmtprc, used by the real msmtp, delivers a message through the lab's
/// Postfix (STARTTLS, AUTH against Dovecot) into the lab mailbox.
@Suite(.needs(.lab, .msmtp))
struct MsmtpLive {
    @Test func anExportedAccountSendsAMessageThatIsDelivered() async throws {
        let lab = try #require(LabServers.current)
        let address = try EmailAddress(lab.user)
        let smtp = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(.submission)),
                                     security: .starttls, authentication: [.passwordCleartext], username: .emailAddress)
        let provider = try Provider(id: "lab", displayName: "Lab relay", kind: .relay, domains: ["example.test"], servers: [smtp])
        let text = try ExportFormat.msmtp.render(provider, address: address)
        #expect(!text.contains(lab.passwordText))

        let dir = TemporaryFolder()
        let rc = try dir.write("msmtprc", text)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc.path)
        let home = try MsmtpHome(dir, account: "lab", password: lab.passwordText.trimmingCharacters(in: .newlines))
        let marker = "mailconf msmtp export \(UUID().uuidString)"
        let message = "From: <\(lab.user)>\nTo: <\(lab.user)>\nSubject: \(marker)\n\nsent by msmtp from an exported msmtprc\n"
        // The lab's CA is private; everything else comes from the exported file.
        let r = try home.run(["-C", rc.path, "-a", "lab", "--tls-trust-file=\(lab.caFile)", lab.user], stdin: message)
        #expect(r.status == 0, "msmtp: \(r.stderr)")

        let delivered = await lab.deliveredMessage(containing: marker) != nil
        #expect(delivered, "the message did not reach \(lab.maildir.path)")
    }
}
