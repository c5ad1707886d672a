import Foundation
import Testing
import TestSupport

/// clientConfig 1.2 from the command line: `export thunderbird --config-version` and
/// `serve --config-version`, with answers that stay 1.1 unless asked.
@Suite(.serialized) struct ClientConfigVersions {
    /// A provider with what only 1.2 can say: a SASL mechanism, JMAP, a calendar, an MX domain.
    static let provider = """
    <?xml version="1.0"?>
    <clientConfig version="1.2">
      <emailProvider id="jmap.example">
        <domain>jmap.example</domain>
        <domain purpose="mx">mx-hosting.example</domain>
        <displayName>JMAP Example</displayName>
        <incomingServer type="jmap">
          <url>https://api.jmap.example/jmap/session</url>
          <authentication>OAuth2</authentication>
          <authentication system="http">Basic</authentication>
          <username>%EMAILADDRESS%</username>
        </incomingServer>
        <incomingServer type="imap">
          <hostname>imap.jmap.example</hostname>
          <port>993</port>
          <socketType>SSL</socketType>
          <authentication system="sasl">SCRAM-SHA-256-PLUS</authentication>
          <authentication>password-cleartext</authentication>
          <username>%EMAILADDRESS%</username>
        </incomingServer>
        <outgoingServer type="smtp">
          <hostname>smtp.jmap.example</hostname>
          <port>465</port>
          <socketType>SSL</socketType>
          <authentication system="sasl">SCRAM-SHA-256</authentication>
          <username>%EMAILADDRESS%</username>
        </outgoingServer>
      </emailProvider>
      <calendar type="caldav">
        <url>https://dav.jmap.example/calendars/</url>
        <authentication system="http">Basic</authentication>
        <username>%EMAILADDRESS%</username>
      </calendar>
      <oAuth2>
        <authURL>https://login.jmap.example/authorize</authURL>
        <tokenURL>https://login.jmap.example/token</tokenURL>
        <scope>mail calendar offline_access</scope>
      </oAuth2>
    </clientConfig>
    """

    func catalogWithTheProvider() throws -> CLI {
        let cli = CLI()
        let file = cli.dir.appendingPathComponent("jmap.example.xml")
        try Self.provider.write(to: file, atomically: true, encoding: .utf8)
        let imported = try cli.run(["import", file.path])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(try cli.run(["domains", "add", "example.org", "--provider", "jmap.example"]).status == 0)
        return cli
    }

    func validates12(_ xml: String, in cli: CLI) throws -> (Bool, String) {
        let file = cli.dir.appendingPathComponent("answer-\(UUID()).xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        let schema = repositoryRoot.appendingPathComponent("schemas/clientconfig-1.2.rng").path
        let r = try Tool.run("xmllint", ["--noout", "--nonet", "--relaxng", schema, file.path])
        return (r.status == 0, r.stderr)
    }

    static let only12 = ["system=", "purpose=", "jmap\"", "<calendar", "SCRAM"]

    @Test(.needs(.xmllint))
    func exportWritesEitherVersion() throws {
        let cli = try catalogWithTheProvider()
        defer { cli.cleanUp() }
        let plain = try cli.run(["export", "thunderbird", "jmap.example", "--thunderbird-only"])
        #expect(plain.status == 0, "\(plain.err)")
        #expect(plain.out.contains(#"<clientConfig version="1.1">"#))
        for word in Self.only12 { #expect(!plain.out.contains(word), "\(word) in the 1.1 export") }
        // The SMTP server named only SCRAM: 1.1 gets its family.
        #expect(plain.out.contains("<authentication>password-encrypted</authentication>"))

        let new = try cli.run(["export", "thunderbird", "jmap.example", "--config-version", "1.2"])
        #expect(new.status == 0, "\(new.err)")
        #expect(new.out.contains(#"<clientConfig version="1.2""#))
        for word in Self.only12 { #expect(new.out.contains(word), "\(word) missing from the 1.2 export") }
        #expect(new.out.contains("<authURL>https://login.jmap.example/authorize</authURL>"))
        let (ok, why) = try validates12(new.out, in: cli)
        #expect(ok, "\(why)")
    }

    @Test func theVersionIsCheckedAndOnlyForThunderbird() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let unknown = try cli.run(["export", "thunderbird", "gmail", "--config-version", "1.3"])
        #expect(unknown.status == 2)
        #expect(unknown.err.contains("1.3") && unknown.err.contains("1.1") && unknown.err.contains("1.2"), "\(unknown.err)")
        let other = try cli.run(["export", "msmtp", "gmail", "--email", "a@gmail.com", "--config-version", "1.2"])
        #expect(other.status == 2)
        #expect(other.err.contains("thunderbird"), "\(other.err)")
        let serve = try cli.run(["serve", "--config-version", "2"])
        #expect(serve.status == 2, "\(serve.err)")
    }

    @Test(.needs(.xmllint))
    func serveAnswers11UnlessAskedFor12() async throws {
        let cli = try catalogWithTheProvider()
        defer { cli.cleanUp() }
        let paths = ["/mail/config-v1.1.xml?emailaddress=ann@example.org", "/.well-known/autoconfig/mail/config-v1.1.xml"]

        let old = try await ServeProcess.start(cli)
        for path in paths {
            let r = try await RawHTTPConnection.fetch(port: old.port, "GET \(path) HTTP/1.1\r\nHost: autoconfig.example.org\r\nConnection: close\r\n\r\n")
            #expect(r.status == 200, "\(path): \(r.body)")
            #expect(r.body.contains(#"<clientConfig version="1.1">"#), "\(path)")
            for word in Self.only12 { #expect(!r.body.contains(word), "\(word) served to \(path) without --config-version 1.2") }
            #expect(r.body.contains("<hostname>imap.jmap.example</hostname>"))
        }
        old.signal(SIGTERM)
        _ = old.exitStatus(within: 15)

        let new = try await ServeProcess.start(cli, arguments: ["--config-version", "1.2"])
        for path in paths {
            let r = try await RawHTTPConnection.fetch(port: new.port, "GET \(path) HTTP/1.1\r\nHost: autoconfig.example.org\r\nConnection: close\r\n\r\n")
            #expect(r.status == 200, "\(path): \(r.body)")
            #expect(r.body.contains(#"<clientConfig version="1.2">"#), "\(path)")
            #expect(r.body.contains(#"<incomingServer type="jmap">"#))
            #expect(r.body.contains(#"<calendar type="caldav">"#))
            // The organisation's own domain is named, as in 1.1.
            #expect(r.body.contains("<domain>example.org</domain>"))
            let (ok, why) = try validates12(r.body, in: cli)
            #expect(ok, "\(why)")
        }
        new.signal(SIGTERM)
        #expect(new.exitStatus(within: 15) == 0)
    }
}
