import Catalog
import ClientExport
import Foundation
import MailFormats
import MailSettings
import Testing
import TestSupport

let presets: [Provider] = ((try? Presets.load()) ?? []).map(\.provider)

/// An address in the provider's own domain, so every placeholder has a value.
func sampleAddress(_ p: Provider) -> EmailAddress {
    try! EmailAddress("alice@\(p.domains.first ?? "example.org")")
}

/// Every preset in every format it fits, each file read back by the program that reads
/// that format for real.
@Suite struct EveryPresetInEveryFormat {
    /// Renders all presets; a preset a format does not fit must be refused as such.
    func rendered(_ format: ExportFormat) throws -> [(Provider, String)] {
        #expect(presets.count >= 50)
        var out: [(Provider, String)] = []
        var refused = 0
        for p in presets {
            // Worked out here from the preset, not asked of the exporter.
            let outgoing = p.outgoing.first { ($0.security ?? .none) != .none } ?? p.outgoing.first
            let noIncoming = format.needsIncomingServer && p.incoming.isEmpty
            let incoming = p.incoming.first { $0.protocol == .imap } ?? p.incoming.first { $0.protocol == .pop3 }
            let oauthOnly = !format.supportsOAuth2 && ([outgoing] + (format.needsIncomingServer ? [incoming] : [])).contains {
                $0.map { !$0.authentication.contains { $0.usesPassword } && $0.authentication.contains(.oauth2) } == true
            }
            do {
                out.append((p, try format.render(p, address: sampleAddress(p))))
                #expect(!noIncoming && !oauthOnly, "\(p.id) exported as \(format.rawValue) but should have been refused")
            } catch {
                refused += 1
                #expect(noIncoming || oauthOnly, "\(p.id) did not export as \(format.rawValue): \(error)")
                #expect(error.kind == .unsuitable, "\(p.id): \(error)")
                if noIncoming { #expect(error.message.contains("no incoming"), "\(error)") }
                if oauthOnly && !noIncoming { #expect(error.message.contains("oauth2"), "\(error)") }
            }
        }
        #expect(out.count + refused == presets.count)
        #expect(out.count >= (format.needsIncomingServer ? 10 : 50), "too few presets exported as \(format.rawValue)")
        return out
    }

    @Test(.needs(.xmllint))
    func thunderbirdFilesValidateAndReadBack() throws {
        let dir = TemporaryFolder()
        var files: [String] = []
        for (p, text) in try rendered(.thunderbird) {
            files.append(try dir.write("\(p.id).xml", text).path)
            let back = try ClientConfig.read(Array(text.utf8), source: p.id, fallbackID: p.id).provider
            // A 1.1 file has no place for JMAP or ActiveSync.
            #expect(back.servers.map(\.summary) == p.servers.filter { $0.protocol != .jmap && $0.protocol != .activeSync }.map(\.summary),
                    "\(p.id)")
        }
        let schema = repositoryRoot.appendingPathComponent("schemas/clientconfig-1.1.xsd").path
        let r = try Tool.run("xmllint", ["--noout", "--nonet", "--schema", schema] + files)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test(.needs(.xmllint))
    func autodiscoverResponsesValidateAndSayTheServers() throws {
        let dir = TemporaryFolder()
        var files: [String] = []
        for (p, text) in try rendered(.autodiscover) {
            files.append(try dir.write("\(p.id).xml", text).path)
            let root = try SafeXMLParser.parse(Array(text.utf8), source: p.id)
            let protocols = root.outlookProtocols
            let smtp = try #require(protocols.first { $0.child("Type")?.text == "SMTP" }, "\(p.id)")
            let expected = try #require(p.outgoing.first { ($0.security ?? .none) != .none } ?? p.outgoing.first)
            #expect(smtp.child("Port")?.text == "\(expected.port!.value)", "\(p.id)")
            #expect(protocols.contains { ["IMAP", "POP3"].contains($0.child("Type")?.text) }, "\(p.id)")
        }
        let schema = repositoryRoot.appendingPathComponent("schemas/autodiscover-response.xsd").path
        let r = try Tool.run("xmllint", ["--noout", "--nonet", "--schema", schema] + files)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test(.needs(.python3))
    func mobileconfigsLoadInPlistlib() throws {
        let dir = TemporaryFolder()
        var expected: [String: Provider] = [:]
        for (p, text) in try rendered(.mobileconfig) {
            try dir.write("\(p.id).mobileconfig", text)
            expected[p.id] = p
        }
        let loaded = try Plist.load(folder: dir.url)
        #expect(loaded.count == expected.count)
        for (id, profile) in loaded {
            let p = try #require(expected[id])
            #expect(profile["PayloadType"] as? String == "Configuration")
            let mail = try #require((profile["PayloadContent"] as? [[String: Any]])?.first)
            #expect(mail["PayloadType"] as? String == "com.apple.mail.managed")
            #expect(mail["EmailAddress"] as? String == sampleAddress(p).description)
            let host = mail["IncomingMailServerHostName"] as? String
            #expect(p.incoming.contains { (try? $0.hostname?.expanded(for: sampleAddress(p)).name) == host }, "\(id)")
            #expect(mail["IncomingMailServerPassword"] == nil && mail["OutgoingPassword"] == nil)
        }
    }

    @Test(.needs(.msmtp))
    func msmtpReadsEveryAccount() throws {
        let dir = TemporaryFolder()
        for (p, text) in try rendered(.msmtp) {
            let file = try dir.write("\(p.id).msmtprc", text)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
            let r = try MsmtpHome(dir, account: p.id).run(["-C", file.path, "-a", p.id, "--pretend"])
            #expect(r.status == 0, "\(p.id): \(r.stderr)")
            let s = try #require(p.outgoing.first { ($0.security ?? .none) != .none } ?? p.outgoing.first)
            let host = try s.hostname!.expanded(for: sampleAddress(p)).name
            #expect(r.stdout.contains("host = \(host)\n"), "\(p.id)")
            #expect(r.stdout.contains("port = \(s.port!.value)\n"), "\(p.id)")
            #expect(r.stdout.contains("tls_starttls = \(s.security == .starttls ? "on" : "off")\n") || s.security == ConnectionSecurity.none, "\(p.id)")
        }
    }

    @Test(.needs(.neomutt))
    func neomuttReadsEverySmtpURL() throws {
        let dir = TemporaryFolder()
        for (p, text) in try rendered(.mutt) {
            let file = try dir.write("\(p.id).muttrc", text)
            let r = try Tool.run("neomutt", ["-n", "-F", file.path, "-Q", "smtp_url"])
            // neomutt exits 0 even when a line is refused; the error is on stderr.
            #expect(r.status == 0 && r.stderr.isEmpty, "\(p.id): \(r.stderr)")
            let s = try #require(p.outgoing.first { ($0.security ?? .none) != .none } ?? p.outgoing.first)
            let host = try s.hostname!.expanded(for: sampleAddress(p)).name
            #expect(r.stdout.contains("\(host):\(s.port!.value)/"), "\(p.id): \(r.stdout)")
            #expect(r.stdout.contains(s.security == .tls ? "smtps://" : "smtp://"), "\(p.id)")
        }
    }

    @Test(.needs(.git))
    func gitReadsEverySendemailSection() throws {
        let dir = TemporaryFolder()
        for (p, text) in try rendered(.git) {
            let file = try dir.write("\(p.id).gitconfig", text)
            let r = try Tool.run("git", ["config", "-f", file.path, "--get-regexp", "^sendemail\\."])
            #expect(r.status == 0, "\(p.id): \(r.stderr)")
            let s = try #require(p.outgoing.first { ($0.security ?? .none) != .none } ?? p.outgoing.first)
            #expect(r.stdout.contains("sendemail.smtpserverport \(s.port!.value)\n"), "\(p.id): \(r.stdout)")
            if s.security == .tls { #expect(r.stdout.contains("sendemail.smtpencryption ssl\n")) }
            if s.security == .starttls { #expect(r.stdout.contains("sendemail.smtpencryption tls\n")) }
        }
    }

    @Test(.needs(.postconf))
    func postconfReadsEveryRelaySetup() throws {
        for (p, text) in try rendered(.postfix) {
            let dir = TemporaryFolder()
            let mainCF = try dir.write("main.cf", text)
            try dir.write("master.cf", "")
            // Postfix rereads a main.cf changed in the last seconds until it settles: date it back.
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: mainCF.path)
            let r = try Tool.run("postconf", ["-c", dir.url.path, "-n"])
            #expect(r.status == 0 && !r.stderr.contains("warning"), "\(p.id): \(r.stderr)")
            let s = try #require(p.outgoing.first { ($0.security ?? .none) != .none } ?? p.outgoing.first)
            let host = try s.hostname!.expanded(for: sampleAddress(p)).name
            #expect(r.stdout.contains("relayhost = [\(host)]:\(s.port!.value)\n"), "\(p.id): \(r.stdout)")
            #expect(r.stdout.contains("smtp_tls_wrappermode = \(s.security == .tls ? "yes" : "no")\n"), "\(p.id)")
        }
    }

    @Test func dotenvFilesReadBackInAShell() throws {
        for (p, text) in try rendered(.env) {
            let vars = try Shell.source(text, ["SMTP_HOST", "SMTP_PORT", "SMTP_SECURE"])
            let s = try #require(p.outgoing.first { ($0.security ?? .none) != .none } ?? p.outgoing.first)
            #expect(vars == [try s.hostname!.expanded(for: sampleAddress(p)).name, "\(s.port!.value)", s.security!.rawValue], "\(p.id)")
        }
    }
}

/// A home folder holding the password file the exported passwordeval reads, so msmtp
/// runs as it would for a user who has put it there.
struct MsmtpHome {
    let folder: TemporaryFolder
    init(_ folder: TemporaryFolder, account: String, password: String = "not-the-real-one") throws {
        self.folder = folder
        let file = try folder.write("home/.config/msmtp/\(account).password", password + "\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }
    func run(_ args: [String], stdin: String? = nil) throws -> Tool.Result {
        try Tool.run("msmtp", args, stdin: stdin,
                     environment: ["HOME": folder.url.appendingPathComponent("home").path, "PATH": "/usr/bin:/bin"])
    }
}

/// Reads property lists with Python's plistlib, the reference reader on Linux.
enum Plist {
    static func load(folder: URL) throws -> [String: [String: Any]] {
        let script = """
        import json, os, plistlib, sys
        out = {}
        for name in sorted(os.listdir(sys.argv[1])):
            with open(os.path.join(sys.argv[1], name), 'rb') as f:
                out[name.rsplit('.', 1)[0]] = plistlib.load(f)
        print(json.dumps(out))
        """
        let r = try Tool.run("python3", ["-c", script, folder.path])
        guard r.status == 0 else { throw ToolFailure(message: r.stderr) }
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: Any]] ?? [:]
    }
}

/// Reads a .env file the way a POSIX shell's `set -a; . FILE` does.
enum Shell {
    static func source(_ text: String, _ names: [String]) throws -> [String] {
        let dir = TemporaryFolder()
        let file = try dir.write("env", text)
        let printing = names.map { "printf '%s\\0' \"$\($0)\"" }.joined(separator: "; ")
        let r = try Tool.run("/bin/sh", ["-c", "set -a; . \"$1\"; \(printing)", "sh", file.path], environment: [:])
        guard r.status == 0 else { throw ToolFailure(message: r.stderr) }
        return r.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}

extension XElement {
    /// Children in the Outlook 2006a namespace, the one every element under Response has.
    func child(_ name: String) -> XElement? { elements(named: name, namespace: AutodiscoverExport.outlookNamespace).first }
    /// Autodiscover → Response → Account → Protocol.
    var outlookProtocols: [XElement] {
        let ns = AutodiscoverExport.outlookNamespace
        return elements(named: "Response", namespace: ns).flatMap { $0.elements(named: "Account", namespace: ns) }
            .flatMap { $0.elements(named: "Protocol", namespace: ns) }
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
