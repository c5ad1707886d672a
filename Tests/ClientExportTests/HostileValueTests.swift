import ClientExport
import Foundation
import MailFormats
import MailSettings
import Testing
import TestSupport

/// Values with every character a format treats specially: each file either carries the
/// value exactly (as its real reader shows) or is refused with a message naming it.
@Suite struct HostileValues {
    static let weird = #"we"ird $HOME `id` \ o'k&<x>#;"#

    func provider(username: String, displayName: String = "Evil & <Co>") throws -> Provider {
        let imap = try ServerSetting(protocol: .imap, hostname: Hostname("imap.example.org"), port: Port(993), security: .tls,
                                     authentication: [.passwordCleartext], username: UsernameTemplate(username))
        let smtp = try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.example.org"), port: Port(587), security: .starttls,
                                     authentication: [.passwordCleartext], username: UsernameTemplate(username))
        var p = try Provider(id: "evil", displayName: "Evil", kind: .mailbox, domains: ["example.org"], servers: [imap, smtp])
        p.displayName = displayName   // past the model's checks, as a damaged catalog row could be
        return p
    }

    let address = try! EmailAddress("alice@example.org")

    @Test func aNewlineInANameCannotAddALine() throws {
        let p = try provider(username: "alice", displayName: "Evil\nrelayhost = [attacker.example]:25\r\nhost attacker.example")
        for format in ExportFormat.allCases where ![.thunderbird, .autodiscover, .mobileconfig].contains(format) {
            let text = try format.render(p, address: address)
            for line in text.split(separator: "\n") where line.contains("attacker") {
                #expect(line.hasPrefix("#"), "\(format): \(line)")
            }
        }
    }

    @Test(.needs(.msmtp))
    func msmtpCarriesItExactly() throws {
        let dir = TemporaryFolder()
        let file = try dir.write("rc", try ExportFormat.msmtp.render(try provider(username: Self.weird), address: address))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let r = try MsmtpHome(dir, account: "evil").run(["-C", file.path, "--pretend"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("user = \(Self.weird)\n"), "\(r.stdout)")
    }

    @Test(.needs(.neomutt))
    func neomuttCarriesItExactly() throws {
        let dir = TemporaryFolder()
        let text = try ExportFormat.mutt.render(try provider(username: Self.weird), address: address)
        let file = try dir.write("muttrc", text)
        let r = try Tool.run("neomutt", ["-n", "-F", file.path, "-Q", "smtp_url"])
        #expect(r.status == 0, "\(r.stderr)")
        // -Q prints the value in muttrc quoting; the user is percent-encoded inside the URL.
        let quoted = try #require(r.stdout.split(separator: "=", maxSplits: 1).last).trimmingCharacters(in: .whitespacesAndNewlines)
        let url = String(quoted.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        let user = try #require(url.dropFirst("smtp://".count).split(separator: "@").first)
        #expect(String(user).removingPercentEncoding == Self.weird, "\(url)")
        #expect(url.hasSuffix("@smtp.example.org:587/"))
    }

    @Test(.needs(.git))
    func gitCarriesItExactly() throws {
        let dir = TemporaryFolder()
        let file = try dir.write("gitconfig", try ExportFormat.git.render(try provider(username: Self.weird), address: address))
        let r = try Tool.run("git", ["config", "-f", file.path, "--get", "sendemail.smtpUser"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.weird + "\n")
    }

    @Test func dotenvCarriesWhatShellsAndDotenvAgreeOnAndRefusesTheRest() throws {
        let fine = #"we"ird $HOME `id` \ ok&<x>#;"#
        let text = try ExportFormat.env.render(try provider(username: fine), address: address)
        #expect(try Shell.source(text, ["SMTP_USERNAME"]) == [fine])
        for bad in [Self.weird, "a${HOME}b"] {
            #expect {
                try ExportFormat.env.render(try provider(username: bad), address: address)
            } throws: { e in
                (e as? ExportError)?.kind == .unrepresentable && (e as? ExportError)?.message.contains(".env file") == true
            }
        }
    }

    @Test func postfixRefusesWhatSaslPasswdCannotHold() throws {
        for bad in ["a b", "a:b"] {
            #expect {
                try ExportFormat.postfix.render(try provider(username: bad), address: address)
            } throws: { e in (e as? ExportError)?.kind == .unrepresentable }
        }
    }

    @Test func xmlFormatsEscapeAndReadBack() throws {
        let p = try provider(username: Self.weird)
        let tb = try ExportFormat.thunderbird.render(p, address: address)
        let back = try ClientConfig.read(Array(tb.utf8), source: "tb", fallbackID: "evil").provider
        #expect(back.servers.allSatisfy { $0.username?.text == Self.weird })
        #expect(back.displayName == "Evil & <Co>")

        let ad = try ExportFormat.autodiscover.render(p, address: address)
        let root = try SafeXMLParser.parse(Array(ad.utf8), source: "ad")
        let logins = root.outlookProtocols.compactMap { $0.child("LoginName")?.text }
        #expect(logins == [Self.weird, Self.weird])
    }
}

/// Same input, same file; another address, other identifiers.
@Suite struct MobileConfigIdentity {
    @Test func theSameInputGivesTheSameFile() throws {
        let gmail = try #require(presets.first { $0.id == "fastmail" } ?? presets.first { !$0.incoming.isEmpty })
        let a = try EmailAddress("alice@\(gmail.domains[0])"), b = try EmailAddress("bob@\(gmail.domains[0])")
        let one = try ExportFormat.mobileconfig.render(gmail, address: a)
        #expect(try ExportFormat.mobileconfig.render(gmail, address: a) == one)
        let other = try ExportFormat.mobileconfig.render(gmail, address: b)
        let uuids = { (text: String) in
            text.matches(of: /<string>([0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12})<\/string>/).map { String($0.output.1) }
        }
        #expect(uuids(one).count == 2)
        #expect(Set(uuids(one)).isDisjoint(with: uuids(other)))
        #expect(!one.contains("<key>IncomingPassword</key>") && !one.contains("<key>OutgoingPassword</key>"))
    }

    @Test func withoutAnAddressTheDeviceAsks() throws {
        let p = try #require(presets.first { $0.id == "fastmail" } ?? presets.first { !$0.incoming.isEmpty })
        let text = try ExportFormat.mobileconfig.render(p)
        #expect(!text.contains("<key>EmailAddress</key>"))
        #expect(!text.contains("%EMAIL"))
    }
}

/// Formats that cannot keep a placeholder say so, and what to give.
@Suite struct AddressesAndPlaceholders {
    @Test func autodiscoverAndTextFormatsAskForTheAddress() throws {
        let p = try #require(presets.first { $0.id == "fastmail" })
        #expect(p.servers.contains { $0.username?.isLiteral == false })
        for format in [ExportFormat.autodiscover, .msmtp, .mutt, .git, .postfix, .env] {
            #expect {
                try format.render(p)
            } throws: { e in
                (e as? ExportError)?.kind == .needsAddress && (e as? ExportError)?.message.contains("--email") == true
            }
        }
        let tb = try ExportFormat.thunderbird.render(p)
        #expect(tb.contains("%EMAILADDRESS%"))
    }

    @Test func aRelayWithALiteralUsernameNeedsNoAddress() throws {
        let p = try #require(presets.first { $0.id == "sendgrid" })
        let text = try ExportFormat.msmtp.render(p)
        #expect(text.contains("user apikey\n"))
        #expect(text.contains("# from "))
        #expect {
            try ExportFormat.thunderbird.render(p)
        } throws: { e in (e as? ExportError)?.message.contains("relay service") == true }
    }
}
