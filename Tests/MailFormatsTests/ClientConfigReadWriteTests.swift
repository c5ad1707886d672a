import Foundation
import Testing
@testable import MailFormats
import MailSettings

private let sample = """
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <domain>EXAMPLE.net</domain>
    <displayName>Example &amp; Co</displayName>
    <displayShortName>Example</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.example.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.%EMAILDOMAIN%</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILLOCALPART%</username>
      <pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.com</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <authentication>password-encrypted</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.com</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <documentation url="https://example.com/help?a=1&amp;b=2">
      <descr lang="en">Help</descr>
      <descr lang="de">Hilfe</descr>
    </documentation>
    <webMail><loginPage url="https://mail.example.com/"/></webMail>
  </emailProvider>
  <oAuth2><issuer>login.example.com</issuer></oAuth2>
</clientConfig>
"""

@Suite struct ClientConfigReading {
    @Test func readsEveryModelledField() throws {
        let result = try ClientConfig.read(Array(sample.utf8), source: "example.xml", fallbackID: "example.com")
        let p = result.provider
        #expect(result.warnings.isEmpty)
        #expect(p.id == "example.com")
        #expect(p.domains == ["example.com", "example.net"])
        #expect(p.displayName == "Example & Co")
        #expect(p.shortName == "Example")
        #expect(p.kind == .mailbox)
        #expect(p.servers.map(\.protocol) == [.imap, .pop3, .smtp, .smtp])
        #expect(p.servers[0].authentication == [.oauth2, .passwordCleartext])
        #expect(p.servers[1].hostname?.name == "pop.%EMAILDOMAIN%")
        #expect(p.servers[1].clientConfigExtras.count == 1)
        #expect(p.servers[2].security == .tls)
        #expect(p.servers[3].security == .starttls)
        #expect(p.servers[3].username == nil)
        #expect(p.documentation.first?.url == "https://example.com/help?a=1&b=2")
        #expect(p.documentation.first?.descriptions.map(\.language) == ["en", "de"])
        #expect(p.clientConfigExtras.emailProvider.count == 1)
        // The <oAuth2> block is modelled, no longer kept as raw XML.
        #expect(p.clientConfigExtras.clientConfig.isEmpty)
        #expect(p.oauth2?.issuer == "login.example.com")
    }

    @Test func roundTripKeepsEverything() throws {
        let first = try ClientConfig.read(Array(sample.utf8), source: "example.xml", fallbackID: "example.com").provider
        let xml = try ClientConfig.write(first)
        let second = try ClientConfig.read(Array(xml.utf8), source: "written.xml", fallbackID: "other").provider
        // The written file carries the mailconf id, so even the id survives.
        #expect(second == first)
        #expect(xml.contains("<leaveMessagesOnServer>true</leaveMessagesOnServer>"))
        #expect(xml.contains("<issuer>login.example.com</issuer>"))
        #expect(xml.contains("Example &amp; Co"))
    }

    @Test func extensionMetadataRoundTrips() throws {
        let provider = try Provider(
            id: "relay-x", displayName: "Relay \"X\" <test>", shortName: "X", kind: .relay,
            domains: ["relay-x.example"], notes: "Username is literally apikey & nothing else",
            region: Region(code: "eu-west-1", name: "Europe (Ireland)"),
            dnsRecords: [DNSRequirement(purpose: .spf, type: "TXT", name: "@", value: "include:_spf.relay-x.example", required: true),
                         DNSRequirement(purpose: .dkim, type: "CNAME", name: "{token}._domainkey",
                                        value: "{token}.dkim.relay-x.example", required: false, note: "three records")],
            servers: [ServerSetting(protocol: .smtp, description: "Implicit TLS", hostname: Hostname("smtp.relay-x.example"),
                                    port: 465, security: .tls, authentication: [.passwordCleartext],
                                    username: UsernameTemplate("apikey"))])
        let xml = try ClientConfig.write(provider)
        let back = try ClientConfig.read(Array(xml.utf8), source: "w.xml", fallbackID: "ignored")
        #expect(back.warnings.isEmpty)
        #expect(back.provider == Provider(copying: provider, clientConfigID: "relay-x.example"))
        // Thunderbird-only output carries no mailconf metadata.
        let plain = try ClientConfig.write(provider, includeExtension: false)
        #expect(!plain.contains("mc:"))
        #expect(!plain.contains(ClientConfig.extensionNamespace))
    }

    @Test func outgoingBeforeIncomingStillRoundTrips() throws {
        let xml = """
        <clientConfig><emailProvider id="x.org"><domain>x.org</domain><displayName>X</displayName>
        <outgoingServer type="smtp"><hostname>smtp.x.org</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication></outgoingServer>
        <incomingServer type="imap"><hostname>imap.x.org</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication></incomingServer>
        <outgoingServer type="smtp"><hostname>smtp.x.org</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication></outgoingServer>
        </emailProvider></clientConfig>
        """
        let first = try ClientConfig.read(Array(xml.utf8), source: "x.xml", fallbackID: "x").provider
        #expect(first.servers.map(\.port) == [993, 587, 465])
        let again = try ClientConfig.read(Array(try ClientConfig.write(first).utf8), source: "w", fallbackID: "x").provider
        #expect(again.servers == first.servers)
    }

    @Test func addressFillsInPlaceholders() throws {
        let p = try ClientConfig.read(Array(sample.utf8), source: "example.xml", fallbackID: "example.com").provider
        let xml = try ClientConfig.write(p, address: EmailAddress("Alice@Example.net"))
        #expect(xml.contains("<hostname>pop.example.net</hostname>"))
        #expect(xml.contains("<username>Alice@example.net</username>"))
        #expect(xml.contains("<username>Alice</username>"))
        #expect(!xml.contains("%EMAIL"))
    }

    @Test func brokenPlaceholderIsKeptAndReported() throws {
        let xml = sample.replacingOccurrences(of: "<username>%EMAILLOCALPART%</username>",
                                              with: "<username>%EMAILADDRESS</username>")
        let result = try ClientConfig.read(Array(xml.utf8), source: "x.xml", fallbackID: "x")
        #expect(result.provider.servers[1].username?.text == "%EMAILADDRESS")
        #expect(result.warnings.contains { $0.message.contains("not closed") && $0.line == 21 })
    }

    @Test func passwordInFileIsDroppedNotStored() throws {
        let xml = sample.replacingOccurrences(of: "<port>587</port>", with: "<port>587</port><password>hunter2</password>")
        let result = try ClientConfig.read(Array(xml.utf8), source: "x.xml", fallbackID: "x")
        #expect(result.warnings.contains { $0.message.contains("<password>") })
        #expect(!(try ClientConfig.write(result.provider)).contains("hunter2"))
    }

    @Test func badServerIsSkippedWithItsLine() throws {
        let xml = sample.replacingOccurrences(of: "<port>587</port>", with: "<port>99999</port>")
        let result = try ClientConfig.read(Array(xml.utf8), source: "x.xml", fallbackID: "x")
        #expect(result.provider.outgoing.count == 1)
        let warning = try #require(result.warnings.first)
        #expect(warning.message.contains("99999"))
        #expect(warning.line == 33)
    }

    @Test func fileWithoutDomainOrServersIsRejected() throws {
        let noDomain = "<clientConfig><emailProvider id=\"x\"><displayName>X</displayName></emailProvider></clientConfig>"
        #expect(throws: FormatError.self) { try ClientConfig.read(Array(noDomain.utf8), source: "a.xml", fallbackID: "a") }
        let noServer = "<clientConfig><emailProvider id=\"x\"><domain>x.com</domain></emailProvider></clientConfig>"
        do {
            _ = try ClientConfig.read(Array(noServer.utf8), source: "b.xml", fallbackID: "b")
            Issue.record("accepted a file without servers")
        } catch {
            #expect(error.kind == .noUsableServer)
            #expect(error.description.hasPrefix("b.xml:1:"))
        }
    }
}

extension Provider {
    /// The provider as it reads back from a file the writer made.
    init(copying p: Provider, clientConfigID: String?) {
        self = p
        self.clientConfigID = clientConfigID
    }
}
