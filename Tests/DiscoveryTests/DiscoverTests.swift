import AutoconfigService
import Catalog
import DNSClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MailNet
import MailSettings
import Testing
import TestSupport
@testable import Discovery

let lab = LabServers.current
func labDNS() throws -> DNSResolver {
    let l = try #require(lab)
    return DNSResolver(server: "127.0.0.1", port: UInt16(l.port(.dns)), timeout: 3)
}

/// disco.test as the lab publishes it: SRV records for the lab Postfix at
/// mail.mailconf.test, an MX, and (here) an autoconfig server over https with its own
/// certificate. mxonly.test has only an MX at aspmx.l.google.com.
struct DiscoFixture {
    static let shared: (folder: TemporaryFolder, cert: String, key: String)? = {
        let folder = TemporaryFolder()
        let cert = folder.url.appendingPathComponent("autoconfig.pem").path, key = folder.url.appendingPathComponent("autoconfig.key").path
        let made = try? Tool.run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                            "-days", "2", "-subj", "/CN=autoconfig.disco.test",
                                            "-addext", "subjectAltName=DNS:autoconfig.disco.test,DNS:disco.test"])
        return made?.status == 0 ? (folder, cert, key) : nil
    }()
    let folder = TemporaryFolder()
    let catalogPath: String
    let trustFile: String
    let certificate: String
    let key: String

    init() throws {
        let l = try #require(lab)
        catalogPath = folder.url.appendingPathComponent("catalog.sqlite").path
        let catalog = try Catalog(path: catalogPath)
        // A provider for the lab's submission server, served to clients as disco.test's settings.
        let smtp = try ServerSetting(protocol: .smtp, hostname: Hostname("mail.mailconf.test"), port: Port(l.port(.smtps)),
                                     security: .tls, authentication: [.passwordCleartext], username: .emailAddress)
        try catalog.addServer(smtp, toProvider: "disco-lab", displayName: "Disco lab")
        // The lab has no IMAP server: this one is published but does not answer.
        let imap = try ServerSetting(protocol: .imap, hostname: Hostname("mail.mailconf.test"), port: Port(9), security: .tls,
                                     authentication: [.passwordCleartext], username: .emailAddress)
        try catalog.addServer(imap, toProvider: "disco-lab")
        // An autoconfig certificate for autoconfig.disco.test, trusted beside the lab's CA
        // (made once per test process: key generation is the costly part).
        let shared = try #require(Self.shared, "openssl could not make the test certificate")
        certificate = shared.cert
        key = shared.key
        trustFile = folder.url.appendingPathComponent("trust.pem").path
        let bundle = try String(contentsOfFile: l.caFile, encoding: .utf8) + (try String(contentsOfFile: certificate, encoding: .utf8))
        try bundle.write(toFile: trustFile, atomically: true, encoding: .utf8)
    }

    var catalog: Catalog { try! Catalog(path: catalogPath) }

    /// The autoconfig service over this catalog, answering for disco.test (and, as an
    /// ISPDB mirror, any domain it knows), over https.
    func server(domain: String? = "disco.test", tls: Bool = true) throws -> some ApplicationProtocol {
        if let domain { try catalog.addOrganisationDomain(domain, providerID: "disco-lab") }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let config = ServiceConfiguration(answerForAllKnownDomains: true)
        let store = try SettingsStore(catalog: try Catalog(path: catalogPath, readOnly: true), configuration: config, logger: logger)
        return try AutoconfigServer.application(
            store: store, configuration: config, host: "127.0.0.1", port: 0,
            tls: tls ? AutoconfigServer.TLSFiles(certificateChain: certificate, privateKey: key) : nil, logger: logger)
    }

    func options(ispdb: String? = nil, connectTo: [String: HostPort] = [:], guess: Bool = false) throws -> DiscoveryOptions {
        DiscoveryOptions(dns: try labDNS(), ispdbBase: ispdb, connectTo: connectTo, caFile: trustFile,
                         sourceTimeout: 3, guess: guess, verify: true)
    }
}

/// The outcome of the source the JSON names `name`.
func source(_ r: DiscoveryResult, _ name: String) -> SourceOutcome? { r.sources.first { $0.source.rawValue == name } }

@Suite(.needs(.lab, .openssl))
struct DiscoverSources {
    let alice = try! EmailAddress("alice@disco.test")

    @Test func srvAloneFindsTheLabServersAndVerifiesThem() async throws {
        let f = try DiscoFixture()
        let r = await Discovery(options: try f.options(), catalog: nil).discover(alice)
        #expect(source(r, "srv")?.ok == true)
        #expect(source(r, "srv")?.found == 2)
        let best = try #require(r.candidates.first)
        #expect(best.verified == true, "\(best.check ?? "")")
        #expect(best.setting.security == .tls)   // SSL/TLS ranks over STARTTLS
        #expect(r.provider?.outgoing.first?.port == best.setting.port)
        // _imaps says "not offered" and there is no other incoming source: no IMAP candidate.
        #expect(!r.candidates.contains { $0.setting.protocol == .imap })
    }

    @Test func theCatalogAlone() async throws {
        let f = try DiscoFixture()
        try f.catalog.addOrganisationDomain("disco.test", providerID: "disco-lab")
        var options = try f.options()
        options.dns = DNSResolver(server: "127.0.0.1", port: 9, timeout: 0.3)   // DNS is down
        let r = await Discovery(options: options, catalog: f.catalog).discover(alice)
        #expect(source(r, "catalog")?.ok == true)
        #expect(source(r, "srv")?.ok == false)
        #expect(r.candidates.first?.source.rawValue == "catalog")
    }

    @Test func autoconfigOverHTTPSAlone() async throws {
        let f = try DiscoFixture()
        try await f.server().test(.live) { client in
            let port = try #require(client.port)
            let r = await Discovery(options: try f.options(connectTo: ["autoconfig.disco.test:443": HostPort(host: "127.0.0.1", port: port)]),
                                    catalog: nil).discover(alice)
            #expect(source(r, "autoconfig")?.ok == true, "\(source(r, "autoconfig")?.message ?? "")")
            #expect(r.candidates.contains { $0.source.rawValue == "autoconfig" && $0.verified == true })
        }
    }

    @Test func theWellKnownURLAlone() async throws {
        let f = try DiscoFixture()
        try await f.server().test(.live) { client in
            let port = try #require(client.port)
            let r = await Discovery(options: try f.options(connectTo: ["disco.test:443": HostPort(host: "127.0.0.1", port: port)]),
                                    catalog: nil).discover(alice)
            #expect(source(r, "well-known")?.ok == true, "\(source(r, "well-known")?.message ?? "")")
            #expect(source(r, "autoconfig")?.ok == false)   // autoconfig.disco.test:443 is not served here
            #expect(r.candidates.contains { $0.source.rawValue == "well-known" && $0.verified == true })
        }
    }

    @Test func theMXHostsDomainInTheISPDB() async throws {
        let f = try DiscoFixture()
        try await f.server(domain: nil, tls: false).test(.live) { client in
            let port = try #require(client.port)
            var options = try f.options(ispdb: "http://127.0.0.1:\(port)/v1.1/")
            options.verify = false
            // No catalog here: aspmx.l.google.com's domain is found in the ISPDB mirror instead.
            let r = await Discovery(options: options, catalog: nil).discover(try EmailAddress("bob@mxonly.test"))
            #expect(source(r, "mx-catalog")?.ok == false)
            let mx = try #require(source(r, "mx-ispdb"))
            #expect(mx.ok, "\(mx.message)")
            #expect(mx.asked.hasSuffix("/v1.1/google.com"))
            #expect(r.candidates.contains { $0.source.rawValue == "mx-ispdb" && $0.setting.hostname?.name == "smtp.gmail.com" })
        }
    }

    @Test func theISPDBAlone() async throws {
        let f = try DiscoFixture()
        try f.catalog.addOrganisationDomain("disco.test", providerID: "disco-lab")
        try await f.server(domain: nil, tls: false).test(.live) { client in
            let port = try #require(client.port)
            var options = try f.options(ispdb: "http://127.0.0.1:\(port)/v1.1/")
            options.dns = DNSResolver(server: "127.0.0.1", port: 9, timeout: 0.3)
            let r = await Discovery(options: options, catalog: nil).discover(alice)
            #expect(source(r, "ispdb")?.ok == true, "\(source(r, "ispdb")?.message ?? "")")
            #expect(r.candidates.first?.source.rawValue == "ispdb")
        }
    }

    @Test func theMXHostsDomainInTheCatalog() async throws {
        let f = try DiscoFixture()
        var options = try f.options()
        options.verify = false
        let r = await Discovery(options: options, catalog: f.catalog).discover(try EmailAddress("bob@mxonly.test"))
        let mx = try #require(source(r, "mx-catalog"))
        #expect(mx.ok, "\(mx.message)")
        #expect(mx.message.contains("google.com"))
        #expect(r.candidates.contains { $0.setting.hostname?.name == "smtp.gmail.com" && $0.source.rawValue == "mx-catalog" })
    }

    @Test func allTogetherRankAndAgree() async throws {
        let f = try DiscoFixture()
        try await f.server().test(.live) { client in
            let port = try #require(client.port)
            let r = await Discovery(options: try f.options(connectTo: ["autoconfig.disco.test:443": HostPort(host: "127.0.0.1", port: port)]),
                                    catalog: f.catalog).discover(alice)
            for name in ["catalog", "autoconfig", "srv"] { #expect(source(r, name)?.ok == true, "\(name)") }
            // The same setting from three sources is one candidate, credited to the most trusted.
            let same = r.candidates.filter { $0.setting.port?.value == UInt16(lab!.port(.smtps)) && $0.setting.security == .tls }
            #expect(same.count == 1)
            #expect(same.first?.source.rawValue == "catalog")
            #expect(r.provider?.outgoing.first?.hostname?.name == "mail.mailconf.test")
        }
    }

    @Test func everySourceFailingAtOnce() async throws {
        let f = try DiscoFixture()
        var options = try f.options(ispdb: "http://127.0.0.1:9/v1.1/", guess: true)
        options.allowHTTP = true
        let r = await Discovery(options: options, catalog: f.catalog).discover(try EmailAddress("carol@nowhere.test"))
        #expect(r.provider == nil)
        #expect(r.candidates.isEmpty)
        #expect(r.sources.count >= 7)
        for s in r.sources {
            #expect(!s.ok, "\(s.source)")
            #expect(!s.message.isEmpty)
        }
        #expect(source(r, "autoconfig-http")?.insecure == true)
    }
}

/// IMAP and POP3 found through SRV and checked by their greeting against the lab Dovecot.
@Suite(.needs(.lab))
struct IncomingProbes {
    @Test func srvRecordsForIMAPAndPOP3AreCheckedByTheirGreeting() async throws {
        let l = try #require(lab)
        let options = DiscoveryOptions(dns: try labDNS(), ispdbBase: nil, caFile: l.caFile, sourceTimeout: 3, guess: false)
        let r = await Discovery(options: options, catalog: nil).discover(try EmailAddress("dave@imap.disco.test"))
        let incoming = r.candidates.filter { $0.setting.role == .incoming }
        #expect(incoming.count == 4)
        for c in incoming { #expect(c.verified == true, "\(c.setting.summary): \(c.check ?? "")") }
        #expect(incoming.first?.setting.protocol == .imap && incoming.first?.setting.security == .tls)
        #expect(incoming.contains { $0.check == "answers; offers STARTTLS" })
        #expect(incoming.contains { $0.check == "answers; offers STLS" })
        #expect(r.provider?.incoming.first?.port?.value == UInt16(l.port(.imaps)))
        #expect(r.provider?.outgoing.first?.port?.value == UInt16(l.port(.submission)))
    }

    @Test func whatIsNotIMAPDoesNotPass() async throws {
        let l = try #require(lab)
        let probe = GreetingProbe(trust: .caFile(l.caFile), timeout: 3)
        let smtpPort = try ServerSetting(protocol: .imap, hostname: Hostname("mail.mailconf.test"), port: Port(l.port(.plain)),
                                         security: ConnectionSecurity.none, authentication: [.passwordCleartext])
        let r1 = await probe.check(smtpPort, resolver: FixedAddresses(["127.0.0.1"]))
        #expect(!r1.ok && r1.message.contains("not an IMAP greeting"), "\(r1.message)")
        // TLS expected on a plaintext port: the handshake fails.
        var tlsOnPlain = smtpPort
        tlsOnPlain.port = try Port(l.port(.imap))
        tlsOnPlain.security = .tls
        #expect(await probe.check(tlsOnPlain, resolver: FixedAddresses(["127.0.0.1"])).ok == false)
        // An untrusted certificate fails.
        var untrusted = tlsOnPlain
        untrusted.port = try Port(l.port(.imaps))
        #expect(await GreetingProbe(trust: .system, timeout: 3).check(untrusted, resolver: FixedAddresses(["127.0.0.1"])).ok == false)
        #expect(await probe.check(untrusted, resolver: FixedAddresses(["127.0.0.1"])).ok == true)
    }
}

/// Guessing: mail.DOMAIN on the usual ports, with --connect-to sending the well-known
/// ports to the lab's (the certificate is still checked against mail.mailconf.test).
@Suite(.needs(.lab))
struct Guessing {
    @Test func guessesThatAnswerBecomeCandidates() async throws {
        let l = try #require(lab)
        let map = [
            "mail.mailconf.test:465": HostPort(host: "127.0.0.1", port: l.port(.smtps)),
            "mail.mailconf.test:993": HostPort(host: "127.0.0.1", port: l.port(.imaps)),
            "mail.mailconf.test:995": HostPort(host: "127.0.0.1", port: l.port(.pop3s)),
            // Something that is not SMTP where SMTP is guessed: not a candidate.
            "mail.mailconf.test:587": HostPort(host: "127.0.0.1", port: l.port(.imap)),
        ]
        let options = DiscoveryOptions(dns: try labDNS(), ispdbBase: nil, connectTo: map, caFile: l.caFile, sourceTimeout: 3,
                                       guess: true)
        let r = await Discovery(options: options, catalog: nil).discover(try EmailAddress("erin@mailconf.test"))
        #expect(source(r, "guess")?.ok == true, "\(source(r, "guess")?.message ?? "")")
        let guessed = r.candidates.filter { $0.source.rawValue == "guess" }
        #expect(guessed.contains { $0.setting.protocol == .smtp && $0.setting.port?.value == 465 && $0.verified == true })
        #expect(guessed.contains { $0.setting.protocol == .imap && $0.setting.port?.value == 993 && $0.verified == true })
        #expect(guessed.contains { $0.setting.protocol == .pop3 && $0.setting.port?.value == 995 && $0.verified == true })
        #expect(!guessed.contains { $0.setting.port?.value == 587 })
        // A guess ranks below every other kind of source, and the result uses the real ports.
        #expect(r.provider?.outgoing.first?.port?.value == 465)
    }
}
