import ClientExport
import Foundation
import MailSettings
import Testing
import TestSupport

/// The fetchers' exports (mbsync, fetchmail), used by the real programs against the lab
/// Dovecot over IMAP and POP3, with STARTTLS and with TLS from the first byte. A message
/// with a header of its own is put into the lab mailbox first; the test finds it on the
/// fetcher's side. The lab's CA is given the way each program takes a CA file; the
/// password comes the way each export says (PassCmd, ~/.netrc), never in the file.
@Suite(.serialized) struct FetcherExportsFetchForReal {
    static let lab = LabServers.current

    struct Case: Sendable, CustomTestStringConvertible {
        var format: ExportFormat
        var proto: ServerProtocol
        var security: ConnectionSecurity
        var testDescription: String { "\(format.rawValue) \(proto.rawValue) \(security.rawValue)" }
        var port: LabPort {
            switch (proto, security) {
            case (.pop3, .tls): return .pop3s
            case (.pop3, _): return .pop3
            case (_, .tls): return .imaps
            default: return .imap
            }
        }
    }

    static let cases: [Case] = [
        Case(format: .mbsync, proto: .imap, security: .starttls), Case(format: .mbsync, proto: .imap, security: .tls),
        Case(format: .fetchmail, proto: .imap, security: .starttls), Case(format: .fetchmail, proto: .imap, security: .tls),
        Case(format: .fetchmail, proto: .pop3, security: .starttls), Case(format: .fetchmail, proto: .pop3, security: .tls),
        // getmail6 has no STARTTLS (refused below).
        Case(format: .getmail, proto: .imap, security: .tls), Case(format: .getmail, proto: .pop3, security: .tls),
        // OfflineIMAP cannot require STARTTLS (refused below).
        Case(format: .offlineimap, proto: .imap, security: .tls),
    ]

    /// A message put straight into the lab mailbox's new/, as a delivery leaves it: the
    /// Maildir (made on a fresh lab, where nothing was delivered yet) and the file owned
    /// by the lab's mail user, as Postfix's virtual delivery makes them.
    static func plant(_ lab: LabServers, marker: String) throws {
        let owner = (try? FileManager.default.attributesOfItem(atPath: lab.maildir.deletingLastPathComponent().deletingLastPathComponent().path))
        let uid = (owner?[.ownerAccountID] as? NSNumber)?.uint32Value ?? getuid()
        let gid = (owner?[.groupOwnerAccountID] as? NSNumber)?.uint32Value ?? getgid()
        for dir in [lab.maildir.deletingLastPathComponent(), lab.maildir] + ["new", "cur", "tmp"].map({ lab.maildir.appendingPathComponent($0) })
            where !FileManager.default.fileExists(atPath: dir.path) {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
            chown(dir.path, uid, gid)
            chmod(dir.path, 0o700)
        }
        let name = "\(Int(Date().timeIntervalSince1970)).M\(UUID().uuidString.prefix(8))P1.mailconf"
        let text = "From: <\(lab.user)>\r\nTo: <\(lab.user)>\r\nSubject: \(marker)\r\nMessage-ID: <\(marker)@mailconf.test>\r\n\r\nfetched by a fetcher from mailconf's export\r\n"
        let file = lab.maildir.appendingPathComponent("new").appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        chown(file.path, uid, gid)
    }

    /// Every file under `folder` whose text holds `marker`.
    static func found(_ marker: String, under folder: URL) -> Bool {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return false }
        for case let file as URL in walker {
            if let text = try? String(contentsOf: file, encoding: .utf8), text.contains(marker) { return true }
        }
        return false
    }

    static func cases(_ format: ExportFormat) -> [Case] { cases.filter { $0.format == format } }

    // One test per fetcher, so that a missing one is reported skipped on its own.
    @Test(.needs(.lab, .mbsync), arguments: cases(.mbsync))
    func mbsyncFetchesFromTheLabDovecot(_ c: Case) async throws { try await fetch(c) }
    @Test(.needs(.lab, .fetchmail), arguments: cases(.fetchmail))
    func fetchmailFetchesFromTheLabDovecot(_ c: Case) async throws { try await fetch(c) }
    @Test(.needs(.lab, .getmail), arguments: cases(.getmail))
    func getmailFetchesFromTheLabDovecot(_ c: Case) async throws { try await fetch(c) }
    @Test(.needs(.lab, .offlineimap), arguments: cases(.offlineimap))
    func offlineimapFetchesFromTheLabDovecot(_ c: Case) async throws { try await fetch(c) }

    /// The export of `c`, run by its fetcher: the planted message is found on its side.
    func fetch(_ c: Case) async throws {
        let tool = [ExportFormat.mbsync: "mbsync", .fetchmail: "fetchmail", .getmail: "getmail", .offlineimap: "offlineimap"][c.format]!
        let lab = try #require(Self.lab)
        let server = try ServerSetting(protocol: c.proto, hostname: Hostname("localhost"), port: Port(lab.port(c.port)),
                                       security: c.security, authentication: [.passwordCleartext], username: .emailAddress)
        let provider = try Provider(id: "lab", displayName: "Lab mailbox", kind: .mailbox, domains: ["example.test"], servers: [server])
        let password = lab.passwordText.trimmingCharacters(in: .newlines)
        var text = try c.format.render(provider, address: try EmailAddress(lab.user))
        #expect(!text.contains(password))
        let marker = "mailconf-fetch-\(UUID().uuidString.prefix(18))"
        try Self.plant(lab, marker: marker)

        let home = TemporaryFolder()
        let env = ProcessInfo.processInfo.environment.merging(["HOME": home.url.path]) { $1 }
        let result: Tool.Result
        let fetched: URL
        switch c.format {
        case .mbsync:
            // isync's own way to trust another CA: CertificateFile in the account.
            text = text.replacingOccurrences(of: "SystemCertificates yes", with: "SystemCertificates yes\nCertificateFile \(lab.caFile)")
            let rc = try home.write("mbsyncrc", text)
            let secrets = home.url.appendingPathComponent(".config/mbsync")
            try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
            try home.write(".config/mbsync/lab.password", password + "\n")
            try FileManager.default.createDirectory(at: home.url.appendingPathComponent("Mail/lab"), withIntermediateDirectories: true)
            fetched = home.url.appendingPathComponent("Mail/lab")
            result = try await offThePool { try Tool.run("mbsync", ["-c", rc.path, "lab"], environment: env) }
        case .offlineimap:
            // OfflineIMAP's own way to trust another CA: sslcacertfile, in place of the system's.
            text = text.replacingOccurrences(of: "sslcacertfile = OS-DEFAULT", with: "sslcacertfile = \(lab.caFile)")
            let rc = try home.write("offlineimaprc", text)
            try FileManager.default.createDirectory(at: home.url.appendingPathComponent(".config/offlineimap"), withIntermediateDirectories: true)
            try home.write(".config/offlineimap/lab.password", password + "\n")
            fetched = home.url.appendingPathComponent("Mail/lab")
            result = try await offThePool {
                try Tool.run("offlineimap", ["-c", rc.path, "-o", "-u", "quiet"], environment: env)
            }
        case .getmail:
            // getmail's own way to trust another CA: ca_certs, in place of the system's.
            text = text.replacingOccurrences(of: "ca_certs = /etc/ssl/certs/ca-certificates.crt", with: "ca_certs = \(lab.caFile)")
            let rc = try home.write("getmailrc", text)
            try FileManager.default.createDirectory(at: home.url.appendingPathComponent(".config/getmail"), withIntermediateDirectories: true)
            try home.write(".config/getmail/lab.password", password + "\n")
            fetched = home.url.appendingPathComponent("Mail/lab")
            for sub in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(at: fetched.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            if getuid() == 0 {
                // getmail refuses to deliver as root; its Maildir destination's `user`
                // says whom to deliver as (CI runs the tests as root).
                text = text.replacingOccurrences(of: "type = Maildir", with: "type = Maildir\nuser = nobody")
                try home.write("getmailrc", text)
                chmod(home.url.path, 0o755)
                for dir in ["Mail", "Mail/lab", "Mail/lab/cur", "Mail/lab/new", "Mail/lab/tmp"] {
                    chown(home.url.appendingPathComponent(dir).path, 65534, 65534)
                }
            }
            let state = home.url.appendingPathComponent("getmail-state")
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            result = try await offThePool {
                try Tool.run("getmail", ["--rcfile", rc.path, "--getmaildir", state.path, "--quiet"], environment: env)
            }
        default:
            let rc = try home.write(".fetchmailrc", text)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc.path)
            let netrc = try home.write(".netrc", "machine localhost login \(lab.user) password \(password)\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: netrc.path)
            fetched = home.url.appendingPathComponent("fetched")
            try FileManager.default.createDirectory(at: fetched, withIntermediateDirectories: true)
            let out = fetched.appendingPathComponent("mbox").path
            // fetchmail's own way to trust another CA: sslcertfile (here on the command
            // line, beside the rc file). -a: every message, seen or not; the rc says keep.
            result = try await offThePool {
                try Tool.run("fetchmail", ["-f", rc.path, "-a", "--nosyslog", "--sslcertfile", lab.caFile,
                                           "--mda", "/bin/sh -c 'cat >> \(out)'", "--idfile", home.url.appendingPathComponent("fetchids").path],
                             environment: env)
            }
        }
        #expect(result.status == 0, "\(tool): \(result.stderr)\n\(result.stdout)\n--- file:\n\(text)")
        #expect(!result.stderr.contains(password) && !result.stdout.contains(password))
        #expect(Self.found(marker, under: fetched), "\(c.testDescription): the planted message is not in \(fetched.path)\n\(result.stderr)")
    }

    /// getmail6 has no STARTTLS: a STARTTLS-only server is refused, saying what to use;
    /// with a TLS port beside it, that one is written.
    @Test func getmailAndOfflineIMAPTakeTheTLSPortAndRefuseSTARTTLSOnly() throws {
        let starttls = try ServerSetting(protocol: .imap, hostname: Hostname("imap.example.org"), port: 143, security: .starttls,
                                         authentication: [.passwordCleartext], username: try UsernameTemplate("u"))
        let only = try Provider(id: "p", displayName: "p", kind: .mailbox, domains: ["example.org"], servers: [starttls])
        #expect { try ExportFormat.getmail.render(only) } throws: { ($0 as? ExportError)?.message.contains("no STARTTLS") == true }
        var tls = starttls
        tls.port = 993
        tls.security = .tls
        let both = try Provider(id: "p", displayName: "p", kind: .mailbox, domains: ["example.org"], servers: [starttls, tls])
        let text = try ExportFormat.getmail.render(both)
        #expect(text.contains("type = SimpleIMAPSSLRetriever") && text.contains("port = 993"), "\(text)")
        #expect(text.contains("ca_certs = "), "getmail checks certificates only when given CAs")
        #expect { try ExportFormat.offlineimap.render(only) } throws: { ($0 as? ExportError)?.message.contains("cannot require STARTTLS") == true }
        let offline = try ExportFormat.offlineimap.render(both)
        #expect(offline.contains("ssl = yes\nstarttls = no") && offline.contains("remoteport = 993") && offline.contains("sslcacertfile = "), "\(offline)")
    }

    /// Values the two parsers take in quotes come back as they were; a double quote or a
    /// backslash, whose escapes they write differently, is refused naming the format.
    @Test func valuesAreQuotedOrRefused() throws {
        func provider(_ user: String) throws -> Provider {
            let imap = try ServerSetting(protocol: .imap, hostname: Hostname("imap.example.org"), port: 993, security: .tls,
                                         authentication: [.passwordCleartext], username: try UsernameTemplate.lenient(user).0)
            return try Provider(id: "p", displayName: "Zürich ?> \"Mail\"", kind: .mailbox, domains: ["example.org"], servers: [imap])
        }
        for format in [ExportFormat.mbsync, .fetchmail] {
            let odd = "o'brien $HOME #{x} 100% ü"
            #expect(try format.render(try provider(odd)).contains("\"\(odd)\""), "\(format)")
            for bad in [#"a"b"#, #"a\b"#] {
                #expect(throws: ExportError.self, "\(format) \(bad)") { try format.render(try provider(bad)) }
            }
        }
    }

    /// getmail's and OfflineIMAP's own config parsers read the username back exactly
    /// (OfflineIMAP's interpolates: `%` is written `%%`).
    @Test(.needs(.offlineimap, .python3))
    func getmailAndOfflineIMAPReadTheUsernameBack() throws {
        let odd = "100% o'brien #x $HOME ü %(here)s"
        let imap = try ServerSetting(protocol: .imap, hostname: Hostname("imap.example.org"), port: 993, security: .tls,
                                     authentication: [.passwordCleartext], username: try UsernameTemplate.lenient(odd).0)
        let provider = try Provider(id: "p", displayName: "p", kind: .mailbox, domains: ["example.org"], servers: [imap])
        let dir = TemporaryFolder()
        let offline = try dir.write("offlineimaprc", try ExportFormat.offlineimap.render(provider))
        let getmail = try dir.write("getmailrc", try ExportFormat.getmail.render(provider))
        let read = """
            import sys
            sys.path.insert(0, "/usr/share/offlineimap3")
            from offlineimap.CustomConfig import CustomConfigParser
            from configparser import RawConfigParser
            which, path = sys.argv[1], sys.argv[2]
            if which == "offlineimap":
                c = CustomConfigParser(); c.read(path, encoding="utf-8"); sys.stdout.write(c.get("Repository p-remote", "remoteuser"))
            else:
                c = RawConfigParser(); c.read(path, encoding="utf-8"); sys.stdout.write(c.get("retriever", "username"))
            """
        for (which, file) in [("offlineimap", offline), ("getmail", getmail)] {
            let r = try Tool.run("/usr/bin/python3", ["-c", read, which, file.path])
            #expect(r.status == 0, "\(which): \(r.stderr)")
            #expect(r.stdout == odd, "\(which) read \(r.stdout.debugDescription)")
        }
    }

    /// fetchmail reads back exactly what was written, as its --configdump shows.
    @Test(.needs(.fetchmail))
    func fetchmailReadsTheUsernameBack() throws {
        // ASCII only: --configdump writes non-ASCII bytes in an escape form of its own.
        let odd = "o'brien $HOME #{x} 100% tab"
        let imap = try ServerSetting(protocol: .imap, hostname: Hostname("imap.example.org"), port: 993, security: .tls,
                                     authentication: [.passwordCleartext], username: try UsernameTemplate.lenient(odd).0)
        let provider = try Provider(id: "p", displayName: "p", kind: .mailbox, domains: ["example.org"], servers: [imap])
        let home = TemporaryFolder()
        let rc = try home.write(".fetchmailrc", try ExportFormat.fetchmail.render(provider))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc.path)
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.url.path
        let dump = try Tool.run("fetchmail", ["-f", rc.path, "--configdump", "--nosyslog"], environment: env)
        #expect(dump.status == 0, "\(dump.stderr)")
        #expect(dump.stdout.contains("\"remote\":\"\(odd)\""), "\(dump.stdout)")
        #expect(dump.stdout.contains("'sslcertck':TRUE"), "\(dump.stdout)")
    }
}
