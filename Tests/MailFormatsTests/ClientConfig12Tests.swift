import Foundation
import Testing
@testable import MailFormats
import MailSettings
import TestSupport

/// A file in the shape of the draft's example (draft-ietf-mailmaint-autoconfig-06,
/// "XML configuration file example"), written for these tests.
let draftShaped = """
<?xml version="1.0"?>
<clientConfig version="1.2">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <domain>example.net</domain>
    <domain purpose="mx">example-hosting.com</domain>
    <displayName>Example Mail</displayName>
    <displayShortName>Example</displayShortName>
    <incomingServer type="jmap">
      <url>https://jmap.example.com/session</url>
      <authentication>OAuth2</authentication>
      <authentication system="http">Basic</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication system="sasl">SCRAM-SHA-256-PLUS</authentication>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="ews">
      <url>https://mail.example.com/EWS/Exchange.asmx</url>
      <username>%EMAILADDRESS%</username>
      <authentication system="http">Basic</authentication>
    </incomingServer>
    <incomingServer type="activesync">
      <url>https://mail.example.com/Microsoft-Server-ActiveSync</url>
      <username>%EMAILADDRESS%</username>
      <authentication>OAuth2</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.com</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <authentication system="sasl">SCRAM-SHA-256</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
  <addressbook type="carddav">
    <url>https://contacts.example.com/remote.php/dav</url>
    <authentication system="http">Basic</authentication>
    <username>%EMAILADDRESS%</username>
  </addressbook>
  <calendar type="caldav">
    <url>https://calendar.example.com/remote.php/dav</url>
    <authentication system="http">Digest</authentication>
    <username>%EMAILADDRESS%</username>
  </calendar>
  <fileShare type="webdav">
    <url>https://share.example.com/remote.php/dav</url>
    <authentication system="http">Basic</authentication>
  </fileShare>
  <chatServer type="xmpp">
    <url>wss://example.com:5281/xmpp-websocket</url>
    <authentication system="http">Basic</authentication>
  </chatServer>
  <chatServer type="xmpptcp">
    <hostname>xmpp.example.com</hostname>
    <port>5223</port>
    <socketType>TLS</socketType>
    <authentication>password-cleartext</authentication>
  </chatServer>
  <setupServer type="managesieve">
    <hostname>sieve.example.com</hostname>
    <port>4190</port>
    <socketType>STARTTLS</socketType>
    <authentication system="sasl">PLAIN</authentication>
  </setupServer>
  <videoConference type="opentalk">
    <url>https://talk.example.com/login</url>
    <authentication>OAuth2</authentication>
  </videoConference>
  <oAuth2>
    <authURL>https://login.example.com/auth</authURL>
    <tokenURL>https://login.example.com/token</tokenURL>
    <issuer>login.example.com</issuer>
    <scope>IMAP POP3 SMTP CalDAV CardDAV WebDAV offline_access</scope>
    <clientID>open</clientID>
    <clientSecret>give-me-your-password</clientSecret>
  </oAuth2>
  <clientConfigUpdate url="https://www.example.com/config/mail.xml" />
</clientConfig>
"""

func read(_ text: String, _ source: String = "test.xml") throws(FormatError) -> ClientConfig.ReadResult {
    try ClientConfig.read(Array(text.utf8), source: source, fallbackID: "example.com")
}

/// How a clientConfig 1.1 reader sees a file, after Thunderbird's readFromXML: only
/// the 1.1 server types; attributes ignored; for each server the first
/// `<authentication>` whose text is a 1.1 word; a server without one, or without its
/// address, skipped.
struct LegacyView: Equatable, CustomStringConvertible {
    var type: String
    var address: String
    var socketType: String?
    var authentication: String

    static let types: Set<String> = ["imap", "pop3", "smtp", "exchange", "ews", "owa", "graph"]

    static func of(_ xml: String) throws -> [LegacyView] {
        let root = try SafeXMLParser.parse(Array(xml.utf8), source: "legacy view")
        let provider = try #require(root.elements(named: "emailProvider").first)
        var out: [LegacyView] = []
        for server in provider.elements where server.name == "incomingServer" || server.name == "outgoingServer" {
            let type = server.attribute("type") ?? ""
            guard types.contains(type) else { continue }
            let auth = server.elements(named: "authentication").map(\.text)
                .first { AuthenticationMethod(clientConfigName: $0) != nil }
            let address = server.elements(named: "hostname").first.map { host in
                host.text + ":" + (server.elements(named: "port").first?.text ?? "")
            } ?? server.elements(named: "url").first?.text
            guard let auth, let address else { continue }
            out.append(LegacyView(type: type, address: address, socketType: server.elements(named: "socketType").first?.text,
                                  authentication: auth))
        }
        return out
    }

    /// What the provider means a 1.1 reader to get: each 1.1-typed server with its first generic method.
    static func expected(_ p: Provider) -> [LegacyView] {
        (p.incoming + p.outgoing).filter { types.contains($0.protocol.rawValue) }.map { s in
            LegacyView(type: s.protocol.rawValue,
                       address: s.hostname.map { "\($0.name):\(s.port!.value)" } ?? s.url!,
                       socketType: s.security?.clientConfigName,
                       authentication: s.authentication.first!.clientConfigName)
        }
    }

    var description: String { "\(type) \(address) \(socketType ?? "-") \(authentication)" }
}

/// Validates files against the 1.2 RELAX NG schema with xmllint (libxml2).
func validate12(_ files: [String]) throws -> (ok: Bool, output: String) {
    let schema = repositoryRoot.appendingPathComponent("schemas/clientconfig-1.2.rng").path
    let r = try Tool.run("xmllint", ["--noout", "--nonet", "--relaxng", schema] + files)
    return (r.status == 0, r.stderr)
}

@Suite struct ClientConfig12Reading {
    @Test func readsEverythingTheDraftDefines() throws {
        let result = try read(draftShaped)
        let p = result.provider
        #expect(result.version == "1.2")
        #expect(p.domains == ["example.com", "example.net"])
        #expect(p.mxDomains == ["example-hosting.com"])
        #expect(p.incoming.map(\.protocol) == [.jmap, .imap, .ews, .activeSync])
        #expect(p.incoming[0].authenticationChoices == [.method(.oauth2), .http("Basic")])
        #expect(p.incoming[0].url == "https://jmap.example.com/session")
        #expect(p.incoming[1].authenticationChoices == [.sasl("SCRAM-SHA-256-PLUS"), .method(.passwordCleartext)])
        // What everything else in mailconf sees: the method a 1.1 reader would take.
        #expect(p.incoming[1].authentication == [.passwordCleartext])
        // A list only 1.2 readers understand gets its family, as the draft advises.
        #expect(p.incoming[2].authenticationChoices == [.http("Basic"), .method(.passwordCleartext)])
        #expect(p.incoming[2].authentication == [.passwordCleartext])
        #expect(p.outgoing[0].authenticationChoices == [.sasl("SCRAM-SHA-256"), .method(.passwordEncrypted)])
        #expect(p.outgoing[0].authentication == [.passwordEncrypted])

        #expect(p.services.map(\.section) == [.addressbook, .calendar, .fileShare, .chatServer, .setupServer])
        #expect(p.services.map(\.type) == ["carddav", "caldav", "webdav", "xmpp", "managesieve"])
        #expect(p.services[1].authenticationChoices == [.http("Digest"), .method(.passwordEncrypted)])
        #expect(p.services[3].url == "wss://example.com:5281/xmpp-websocket")
        #expect(p.services[4].hostname?.name == "sieve.example.com" && p.services[4].port == 4190)

        #expect(p.oauth2 == (try OAuth2Settings(authURL: "https://login.example.com/auth", tokenURL: "https://login.example.com/token",
                                                 issuer: "login.example.com",
                                                 scope: "IMAP POP3 SMTP CalDAV CardDAV WebDAV offline_access", clientID: "open")))
        // The draft's own TCP chat example says socketType TLS, which it does not define:
        // that section is left incomplete and not used, but kept as written, like the
        // unregistered videoConference type and clientConfigUpdate.
        #expect(p.clientConfigExtras.clientConfig.count == 3)
        #expect(result.warnings.contains { $0.message.contains("socketType 'TLS'") })
        #expect(result.warnings.contains { $0.message.contains("videoConference type=\"opentalk\"") })
        #expect(result.warnings.contains { $0.message.contains("clientSecret") })
    }

    @Test func theClientSecretIsNeverKeptOrWritten() throws {
        let p = try read(draftShaped).provider
        for version in ClientConfig.Version.allCases {
            let xml = try ClientConfig.write(p, version: version)
            #expect(!xml.contains("give-me-your-password"), "\(version)")
            #expect(!xml.contains("clientSecret"), "\(version)")
        }
    }

    @Test(.needs(.xmllint))
    func writtenAs12ItReadsBackTheSameAndValidates() throws {
        let first = try read(draftShaped).provider
        let xml = try ClientConfig.write(first, version: .v1_2)
        let second = try read(xml, "written.xml")
        #expect(second.provider == first)
        #expect(second.version == "1.2")
        #expect(xml.contains(#"<domain purpose="mx">example-hosting.com</domain>"#))
        #expect(xml.contains(#"<authentication system="sasl">SCRAM-SHA-256-PLUS</authentication>"#))
        #expect(xml.contains(#"<authentication system="http">Digest</authentication>"#))
        let dir = TemporaryFolder()
        let check = try validate12([try dir.write("out.xml", xml).path])
        #expect(check.ok, "\(check.output)")
    }

    @Test(.needs(.xmllint))
    func writtenAs11ItHoldsOnly11AndValidatesAgainstThe11Schema() throws {
        var p = try read(draftShaped).provider
        // What was kept as written (the unregistered sections) is written back as it
        // came, in either version; the modelled 1.2 parts are what must stay out.
        p.clientConfigExtras = .init()
        let xml = try ClientConfig.write(p, version: .v1_1, includeExtension: false)
        #expect(xml.contains(#"<clientConfig version="1.1">"#))
        for absent in ["system=", "purpose=", "jmap", "activeSync", "<calendar", "<addressbook", "example-hosting.com"] {
            #expect(!xml.contains(absent), "\(absent) in a 1.1 file")
        }
        #expect(xml.contains("<authURL>https://login.example.com/auth</authURL>"))
        let dir = TemporaryFolder()
        let schema = repositoryRoot.appendingPathComponent("schemas/clientconfig-1.1.xsd").path
        let r = try Tool.run("xmllint", ["--noout", "--nonet", "--schema", schema, try dir.write("out.xml", xml).path])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func aSASLOnlyListIsFollowedByItsGenericFamily() throws {
        let p = try read(draftShaped).provider
        let xml = try ClientConfig.write(p, version: .v1_2)
        // The SMTP server named only SCRAM-SHA-256: a 1.1 reader gets password-encrypted.
        #expect(xml.contains("""
              <authentication system="sasl">SCRAM-SHA-256</authentication>
              <authentication>password-encrypted</authentication>
        """))
        // EWS with HTTP Basic only: password-cleartext after it.
        #expect(xml.contains("""
              <authentication system="http">Basic</authentication>
              <authentication>password-cleartext</authentication>
        """))
        // Where a 1.1 word is already there, nothing is added.
        #expect(xml.contains("""
              <authentication system="sasl">SCRAM-SHA-256-PLUS</authentication>
              <authentication>password-cleartext</authentication>
              <username>
        """))
        #expect(try LegacyView.of(xml) == LegacyView.expected(p))
    }

    @Test func aSASLNameA11ReaderKnowsCountsAsThatMethod() throws {
        let xml = draftShaped.replacingOccurrences(
            of: #"<authentication system="sasl">SCRAM-SHA-256-PLUS</authentication>"#,
            with: #"<authentication system="sasl">GSSAPI</authentication>"#)
        let p = try read(xml).provider
        #expect(p.incoming[1].authentication == [.gssapi, .passwordCleartext])
        #expect(try LegacyView.of(try ClientConfig.write(p, version: .v1_2)) == LegacyView.expected(p))
    }
}

/// The draft's must-ignore rule ("XML validation"): unknown elements, attributes and
/// values are ignored; a section left incomplete is skipped; the file is refused only
/// when nothing usable is left.
@Suite struct ClientConfig12MustIgnore {
    static let server = """
    <incomingServer type="imap"><hostname>imap.x.org</hostname><port>993</port><socketType>SSL</socketType>\
    <authentication>password-cleartext</authentication></incomingServer>
    """

    func file(_ servers: String, extra: String = "", version: String = "1.2") -> String {
        """
        <clientConfig version="\(version)"><emailProvider id="x.org"><domain>x.org</domain><displayName>X</displayName>
        \(servers)
        </emailProvider>\(extra)</clientConfig>
        """
    }

    @Test func anyVersionIsRead() throws {
        for version in ["1.1", "1.2", "1.3", "2.0", "banana"] {
            let r = try read(file(Self.server, version: version))
            #expect(r.provider.incoming.count == 1, "version \(version)")
            #expect(r.version == version)
        }
    }

    @Test func unknownElementsAndAttributesAreIgnored() throws {
        let r = try read(file("""
        <incomingServer type="imap" priority="high"><hostname region="eu">imap.x.org</hostname><port>993</port>\
        <socketType>SSL</socketType><authentication>password-cleartext</authentication><futureThing a="b">x</futureThing>\
        </incomingServer>
        """, extra: "<newSection><x/></newSection>"))
        let s = try #require(r.provider.incoming.first)
        #expect(s.hostname?.name == "imap.x.org")
        #expect(s.clientConfigExtras.count == 1)
        #expect(r.provider.clientConfigExtras.clientConfig.count == 1)
    }

    @Test func anUnknownAuthenticationIsSkippedForTheNext() throws {
        let r = try read(file("""
        <incomingServer type="imap"><hostname>imap.x.org</hostname><port>993</port><socketType>SSL</socketType>\
        <authentication>quantum-handshake</authentication>\
        <authentication system="kerberos9">whatever</authentication>\
        <authentication system="http">Basic</authentication>\
        <authentication>password-encrypted</authentication></incomingServer>
        <incomingServer type="jmap"><url>https://jmap.x.org/</url>\
        <authentication system="http">Bearer</authentication>\
        <authentication system="sasl">PLAIN</authentication>\
        <authentication>OAuth2</authentication></incomingServer>
        """))
        #expect(r.provider.incoming.map(\.authenticationChoices) == [[.method(.passwordEncrypted)], [.method(.oauth2)]])
        #expect(r.warnings.contains { $0.message.contains("quantum-handshake") })
        #expect(r.warnings.contains { $0.message.contains("kerberos9") })
        #expect(r.warnings.contains { $0.message.contains("Bearer") })
        // HTTP Basic on an IMAP server is no way to log in to it, nor SASL on JMAP.
        #expect(r.warnings.contains { $0.message.contains("system=\"http\"> on a server reached by host and port") })
        #expect(r.warnings.contains { $0.message.contains("system=\"sasl\"> on a URL-based server") })
    }

    @Test func aSectionLeftIncompleteIsSkippedAndTheRestUsed() throws {
        let r = try read(file("""
        <incomingServer type="imap"><hostname>imap.x.org</hostname><port>993</port><socketType>QUIC</socketType>\
        <authentication>password-cleartext</authentication></incomingServer>
        <incomingServer type="imap"><hostname>imap.x.org</hostname><port>993</port><socketType>SSL</socketType>\
        <authentication>magic</authentication></incomingServer>
        <incomingServer type="jmap"><authentication>OAuth2</authentication></incomingServer>
        <incomingServer type="carrierpigeon"><url>https://x.org/</url><authentication>OAuth2</authentication></incomingServer>
        \(Self.server)
        """))
        #expect(r.provider.incoming.count == 1)
        #expect(r.provider.incoming.first?.security == .tls)
        #expect(r.warnings.count >= 4)
    }

    @Test func nothingUsableLeftRefusesTheFile() {
        #expect(throws: FormatError.self) {
            try read(file("""
            <incomingServer type="imap"><hostname>imap.x.org</hostname><port>993</port><socketType>QUIC</socketType>\
            <authentication>password-cleartext</authentication></incomingServer>
            """))
        }
    }

    @Test func aDomainWithAnUnknownPurposeIsNotAnAddressDomain() throws {
        let r = try read(file(Self.server).replacingOccurrences(
            of: "<domain>x.org</domain>", with: #"<domain>x.org</domain><domain purpose="billing">pay.example</domain>"#))
        #expect(r.provider.domains == ["x.org"])
        #expect(r.provider.mxDomains.isEmpty)
        #expect(r.warnings.contains { $0.message.contains("purpose=\"billing\"") })
    }

    @Test func servicesOfUnknownTypesOrIncompleteAreKeptAsWrittenNotUsed() throws {
        let r = try read(file(Self.server, extra: """
        <calendar type="exchange-calendar"><url>https://x.org/cal</url><authentication>OAuth2</authentication></calendar>\
        <calendar type="caldav"><serverURL>https://x.org/dav</serverURL></calendar>\
        <addressbook type="carddav"><url>https://x.org/card</url><authentication system="sasl">PLAIN</authentication></addressbook>
        """))
        #expect(r.provider.services.isEmpty)
        #expect(r.provider.clientConfigExtras.clientConfig.count == 3)
        // A 1.1 file's older DAV form (serverURL) comes back as it was.
        let again = try ClientConfig.write(r.provider)
        #expect(again.contains("<serverURL>https://x.org/dav</serverURL>"))
    }
}

@Suite struct ClientConfig12Hostile {
    func readServer(_ inner: String) throws -> ClientConfig.ReadResult {
        try read("""
        <clientConfig version="1.2"><emailProvider id="x.org"><domain>x.org</domain><displayName>X</displayName>
        <outgoingServer type="smtp"><hostname>smtp.x.org</hostname><port>465</port><socketType>SSL</socketType>\
        <authentication>password-cleartext</authentication></outgoingServer>
        \(inner)</emailProvider></clientConfig>
        """)
    }

    @Test func saslNamesThatAreNoNamesAreIgnored() throws {
        for bad in ["SCRAM-SHA-256&#13;&#10;AUTH PLAIN", "A-NAME-LONGER-THAN-TWENTY", "", "ÜBER", "X Y"] {
            let r = try readServer("""
            <incomingServer type="imap"><hostname>imap.x.org</hostname><port>993</port><socketType>SSL</socketType>\
            <authentication system="sasl">\(bad)</authentication><authentication>password-cleartext</authentication></incomingServer>
            """)
            #expect(r.provider.incoming.first?.authenticationChoices == [.method(.passwordCleartext)], "\(bad)")
        }
    }

    @Test func urlsThatAreNotWebURLsLeaveTheServerOut() throws {
        for bad in ["javascript:alert(1)", "https://x.org/a b", "file:///etc/passwd", "https://", "https://x.org/&#10;Host: evil"] {
            let r = try readServer("""
            <incomingServer type="jmap"><url>\(bad)</url><authentication>OAuth2</authentication></incomingServer>
            """)
            #expect(r.provider.incoming.isEmpty, "\(bad)")
        }
    }

    @Test func aHostileOAuth2BlockIsKeptAsInertXMLOnly() throws {
        let r = try read("""
        <clientConfig version="1.2"><emailProvider id="x.org"><domain>x.org</domain><displayName>X</displayName>
        <outgoingServer type="smtp"><hostname>smtp.x.org</hostname><port>465</port><socketType>SSL</socketType>\
        <authentication>password-cleartext</authentication></outgoingServer></emailProvider>
        <oAuth2><authURL>javascript:alert(1)</authURL><scope>a&#10;b</scope></oAuth2></clientConfig>
        """)
        #expect(r.provider.oauth2 == nil)
        #expect(r.warnings.contains { $0.message.contains("OAuth2 authURL") })
        let xml = try ClientConfig.write(r.provider, version: .v1_2)
        #expect(xml.contains("<oAuth2>"))
        #expect(try read(xml).provider.oauth2 == nil)
    }

    @Test func managesieveOnAnImpossiblePortIsSkipped() throws {
        let r = try read("""
        <clientConfig version="1.2"><emailProvider id="x.org"><domain>x.org</domain><displayName>X</displayName>
        <outgoingServer type="smtp"><hostname>smtp.x.org</hostname><port>465</port><socketType>SSL</socketType>\
        <authentication>password-cleartext</authentication></outgoingServer></emailProvider>
        <setupServer type="managesieve"><hostname>sieve.x.org</hostname><port>419000</port><socketType>STARTTLS</socketType>\
        <authentication>password-cleartext</authentication><password>hunter2</password></setupServer></clientConfig>
        """)
        #expect(r.provider.services.isEmpty)
        #expect(r.warnings.contains { $0.message.contains("419000") })
    }

    @Test func aPasswordInAServiceIsDroppedNotStored() throws {
        let r = try read("""
        <clientConfig version="1.2"><emailProvider id="x.org"><domain>x.org</domain><displayName>X</displayName>
        <outgoingServer type="smtp"><hostname>smtp.x.org</hostname><port>465</port><socketType>SSL</socketType>\
        <authentication>password-cleartext</authentication></outgoingServer></emailProvider>
        <calendar type="caldav"><url>https://x.org/dav</url><authentication system="http">Basic</authentication>\
        <password>hunter2</password></calendar></clientConfig>
        """)
        #expect(r.provider.services.count == 1)
        #expect(r.warnings.contains { $0.message.contains("<password>") })
        #expect(!(try ClientConfig.write(r.provider, version: .v1_2)).contains("hunter2"))
    }

    @Test func thousandsOfSectionsStayWithinTheNodeLimit() {
        let many = String(repeating: #"<calendar type="caldav"><url>https://x.org/</url><authentication>OAuth2</authentication></calendar>"#,
                          count: 8_000)
        #expect(throws: FormatError.self) {
            try read("<clientConfig version=\"1.2\">\(many)</clientConfig>")
        }
    }
}
