import Foundation
import Testing
@testable import ClientExport
import MailFormats
import MailSettings
import TestSupport

/// Apple's user-agent auto-configuration document: what the format can say (implicit TLS
/// on the default ports, the address as login, JMAP and DAV by URL) is written; what it
/// cannot is left out; and the TXT record carries the SHA-256 of the exact bytes.
@Suite struct UserAgentConfigurationDocument {
    func provider(_ servers: [ServerSetting], services: [ServiceSetting] = [], oauth2: OAuth2Settings? = nil) throws -> Provider {
        try Provider(id: "x", displayName: "Example Mail", shortName: "Example", kind: .mailbox, domains: ["x.example"],
                     documentation: [DocumentationLink(url: "https://x.example/help")], servers: servers,
                     services: services, oauth2: oauth2)
    }

    func server(_ p: ServerProtocol, _ host: String, _ port: UInt16, _ security: ConnectionSecurity,
                _ auth: [AuthenticationMethod] = [.passwordCleartext], username: String? = "%EMAILADDRESS%") throws -> ServerSetting {
        try ServerSetting(protocol: p, hostname: Hostname(host), port: Port(Int(port)), security: security, authentication: auth,
                          username: username.map { try UsernameTemplate($0) })
    }

    func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func onlyImplicitTLSOnTheDefaultPortsWithTheAddressAsLogin() throws {
        let p = try provider([
            try server(.imap, "imap143.x.example", 143, .starttls),          // STARTTLS: not expressible
            try server(.imap, "imap.%EMAILDOMAIN%", 993, .tls),                // the first usable IMAP wins
            try server(.imap, "imap2.x.example", 993, .tls),
            try server(.pop3, "pop.x.example", 995, .tls, username: "%EMAILLOCALPART%"),   // another login
            try server(.smtp, "smtp.x.example", 587, .starttls),
            try server(.smtp, "smtp.x.example", 2465, .tls),                   // not the default port
        ])
        let json = try UserAgentConfiguration.render(p, domain: "org.example")
        let protocols = try #require(try object(json)["protocols"] as? [String: [String: String]])
        #expect(protocols == ["imap": ["host": "imap.org.example"]])
        let info = try #require(try object(json)["info"] as? [String: Any])
        #expect((info["provider"] as? [String: String]) == ["name": "Example Mail", "shortName": "Example"])
        #expect((info["help"] as? [String: String]) == ["documentation": "https://x.example/help"])
        // The same bytes every time: the digest in DNS is over them.
        #expect(try UserAgentConfiguration.render(p, domain: "org.example") == json)
    }

    @Test func jmapAndDAVByURLAndTheWaysToLogIn() throws {
        let p = try provider(
            [try ServerSetting(protocol: .jmap, hostname: nil, port: nil, security: nil, authentication: [.oauth2],
                               username: UsernameTemplate("%EMAILADDRESS%"), url: "https://jmap.x.example/session"),
             try server(.smtp, "smtp.x.example", 465, .tls, [.oauth2, .passwordCleartext])],
            services: [try ServiceSetting(section: .calendar, type: "caldav", url: "https://dav.x.example/cal/", authentication: [.http("Basic")]),
                       try ServiceSetting(section: .setupServer, type: "managesieve", hostname: Hostname("sieve.x.example"),
                                          port: 4190, security: .starttls, authentication: [.method(.passwordCleartext)])],
            oauth2: try OAuth2Settings(authURL: "https://login.x.example/a", tokenURL: "https://login.x.example/t",
                                       issuer: "https://login.x.example"))
        let o = try object(try UserAgentConfiguration.render(p, domain: "x.example"))
        let protocols = try #require(o["protocols"] as? [String: [String: String]])
        #expect(protocols == ["jmap": ["url": "https://jmap.x.example/session"], "smtp": ["host": "smtp.x.example"],
                              "caldav": ["url": "https://dav.x.example/cal/"]])
        let auth = try #require(o["authentication"] as? [String: Any])
        #expect(auth["password"] as? Bool == true)
        #expect((auth["oauth-public"] as? [String: String]) == ["issuer": "https://login.x.example"])
    }

    @Test func anIssuerThatIsNoURLIsNoPublicClientIssuer() throws {
        let p = try provider([try server(.imap, "imap.x.example", 993, .tls, [.oauth2])],
                             oauth2: try OAuth2Settings(issuer: "accounts.google.com"))
        let auth = try #require(try object(try UserAgentConfiguration.render(p, domain: "x.example"))["authentication"] as? [String: Any])
        #expect(auth["oauth-public"] == nil)
        #expect(auth["password"] as? Bool == false)
    }

    @Test func nothingToDescribeIsRefusedWithTheReason() throws {
        let p = try provider([try server(.smtp, "smtp.x.example", 587, .starttls, username: "apikey")])
        #expect {
            try UserAgentConfiguration.render(p, domain: "x.example")
        } throws: { error in
            (error as? ExportError)?.message.contains("implicit TLS on the default ports") == true
        }
    }

    @Test(.needs(.openssl))
    func theRecordCarriesTheSHA256OfTheBytes() throws {
        let p = try provider([try server(.imap, "imap.x.example", 993, .tls)])
        let json = try UserAgentConfiguration.render(p, domain: "x.example")
        let record = UserAgentConfiguration.record(for: json)
        #expect(record.hasPrefix("v=UAAC1; a=sha256; d="))
        // openssl's digest of the same bytes, as an admin would compute it.
        let dir = TemporaryFolder()
        let file = try dir.write("ua.json", json)
        let r = try Tool.run("sh", ["-c", "openssl dgst -sha256 -binary '\(file.path)' | base64"])
        #expect(record == "v=UAAC1; a=sha256; d=" + r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let parsed = try #require(UserAgentConfiguration.digests(inRecord: " V=UAAC1;A=SHA256 ; d=abc= ; x=y;"))
        #expect(parsed.sha256 == "abc=")
        #expect(UserAgentConfiguration.digests(inRecord: "v=spf1 -all") == nil)
    }
}
