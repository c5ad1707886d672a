import AutoconfigService
import ClientExport
import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MailFormats
import MailSettings
import Testing
import TestSupport

/// A catalog file with two organisation domains, served read-only as `mailconf serve` does.
struct Fixture {
    let folder = TemporaryFolder()
    let writer: Catalog
    let store: SettingsStore
    let configuration: ServiceConfiguration

    init(allDomains: Bool = false) throws {
        let path = folder.url.appendingPathComponent("catalog.sqlite").path
        writer = try Catalog(path: path)
        try writer.addOrganisationDomain("example.org", providerID: "fastmail")
        try writer.addOrganisationDomain("relay.example", providerID: "sendgrid")
        configuration = ServiceConfiguration(answerForAllKnownDomains: allDomains, pollInterval: .milliseconds(50))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        store = try SettingsStore(catalog: try Catalog(path: path, readOnly: true), configuration: configuration, logger: logger)
    }

    func app() throws -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return try AutoconfigServer.application(store: store, configuration: configuration, host: "127.0.0.1", port: 0,
                                                tls: nil, logger: logger)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

func autodiscoverRequest(_ address: String) -> String {
    """
    <?xml version="1.0" encoding="utf-8"?>
    <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
      <Request>
        <EMailAddress>\(address)</EMailAddress>
        <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
      </Request>
    </Autodiscover>
    """
}

/// The real server on an ephemeral loopback port, driven by real HTTP requests.
@Suite struct Endpoints {
    /// Apple's user-agent auto-configuration, asked at ua-auto-config.DOMAIN: the catalog's
    /// document, the same bytes every time, whose digest domains check prints for DNS.
    @Test func userAgentConfigurationIsServedByHost() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let port = try #require(client.port)
            let ask = { (host: String) in
                try await RawHTTPConnection.fetch(port: port,
                    "GET /.well-known/user-agent-configuration.json HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
            }
            let first = try await ask("ua-auto-config.example.org")
            #expect(first.status == 200, "\(first.body)")
            #expect(first.headers["content-type"] == "application/json")
            let expected = try ServedAnswers.userAgentConfiguration(try #require(try f.writer.entry(id: "fastmail")).provider,
                                                                    domain: "example.org")
            #expect(first.body == expected)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(first.body.utf8)) as? [String: Any])
            let protocols = try #require(object["protocols"] as? [String: [String: String]])
            #expect(protocols["imap"] == ["host": "imap.fastmail.com"])
            #expect(protocols["jmap"] == ["url": "https://api.fastmail.com/jmap/session"])
            #expect((try await ask("ua-auto-config.example.org:443")).body == first.body)
            // A relay with only its own username (SendGrid's apikey) has nothing to describe.
            let relay = try await ask("ua-auto-config.relay.example")
            #expect(relay.status == 404)
            #expect(relay.body.contains("no settings a user-agent configuration can carry"), "\(relay.body)")
            #expect((try await ask("ua-auto-config.unknown.example")).status == 404)
        }
    }

    @Test func thunderbirdAnswersByAddressHostAndPath() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let byAddress = try await client.execute(uri: "/mail/config-v1.1.xml?emailaddress=alice%40Example.ORG", method: .get)
            #expect(byAddress.status == .ok)
            #expect(byAddress.headers[.contentType] == "application/xml; charset=utf-8")
            let provider = try ClientConfig.read(Array(byAddress.text.utf8), source: "answer", fallbackID: "x").provider
            #expect(provider.servers.contains { $0.hostname?.name == "imap.fastmail.com" })
            #expect(provider.domains.first == "example.org")   // the file names the domain it answers for
            #expect(!byAddress.text.contains("urn:mailconf"))   // clients get Thunderbird's own format
            #expect(byAddress.headers[.cacheControl]?.contains("max-age") == true)

            let isp = try await client.execute(uri: "/v1.1/example.org", method: .get)
            #expect(isp.status == .ok && isp.text == byAddress.text)

            // No address at all (Thunderbird for Android): the Host header names the domain.
            let port = try #require(client.port)
            let byHost = try await RawHTTPConnection.fetch(port: port,
                "GET /.well-known/autoconfig/mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.EXAMPLE.org:8443\r\nConnection: close\r\n\r\n")
            #expect(byHost.status == 200)
            #expect(byHost.body == byAddress.text)
            let noHost = try await RawHTTPConnection.fetch(port: port,
                "GET /mail/config-v1.1.xml HTTP/1.0\r\n\r\n")
            #expect(noHost.status == 400)
        }
    }

    @Test func etagsGive304() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let first = try await client.execute(uri: "/v1.1/example.org", method: .get)
            let etag = try #require(first.headers[.eTag])
            let again = try await client.execute(uri: "/v1.1/example.org", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let stale = try await client.execute(uri: "/v1.1/example.org", method: .get, headers: [.ifNoneMatch: "\"other\""])
            #expect(stale.status == .ok)
        }
    }

    @Test func autodiscoverInAnyCaseAndTheJSONVersion() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            for path in ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml", "/AUTODISCOVER/AUTODISCOVER.XML"] {
                let r = try await client.execute(uri: path, method: .post, headers: [.contentType: "text/xml"],
                                                  body: ByteBuffer(string: autodiscoverRequest("bob@example.org")))
                #expect(r.status == .ok, "\(path)")
                let root = try SafeXMLParser.parse(Array(r.text.utf8), source: path)
                #expect(root.name == "Autodiscover")
                #expect(r.text.contains("<LoginName>bob@example.org</LoginName>"))
                #expect(r.text.contains("<Server>smtp.fastmail.com</Server>"))
            }
            let json = try await client.execute(uri: "/autodiscover/autodiscover.json?Email=bob@example.org&Protocol=AutodiscoverV1", method: .get)
            #expect(json.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: String]
            #expect(object?["Url"] == "https://autodiscover.example.org/autodiscover/autodiscover.xml")
            let v1 = try await client.execute(uri: "/autodiscover/autodiscover.json/v1.0/bob@example.org?Protocol=AutodiscoverV1", method: .get)
            #expect(v1.status == .ok && v1.text == json.text)
            let other = try await client.execute(uri: "/autodiscover/autodiscover.json?Email=bob@example.org&Protocol=ActiveSync", method: .get)
            #expect(other.status == .badRequest)
            // A relay has no mailbox to describe.
            let relay = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .post,
                                                 body: ByteBuffer(string: autodiscoverRequest("app@relay.example")))
            #expect(relay.status == .notFound)
        }
    }

    /// The bodies Outlook versions post: classic Outlook for Windows and Outlook for Mac
    /// ask for the Outlook response schema (sometimes in other letter case, or naming no
    /// schema) and get the settings; new Outlook for Windows and ActiveSync clients ask in
    /// the mobile-sync schema and get Autodiscover's error 601 ("no provider for that
    /// schema"), the answer of a server without ActiveSync, after which they go on to IMAP.
    @Test(arguments: [
        ("classic Outlook", AutodiscoverRequest.requestNamespace, AutodiscoverExport.outlookNamespace, true),
        ("Outlook, schema in capitals", AutodiscoverRequest.requestNamespace, AutodiscoverExport.outlookNamespace.uppercased(), true),
        ("Outlook for Mac, no schema named", AutodiscoverRequest.requestNamespace, "", true),
        ("new Outlook (mobile sync)", AutodiscoverRequest.mobileSyncRequestNamespace, AutodiscoverRequest.mobileSyncResponseNamespace, false),
        ("Outlook request asking for mobile sync", AutodiscoverRequest.requestNamespace, AutodiscoverRequest.mobileSyncResponseNamespace, false),
        ("mobile-sync request asking for Outlook's", AutodiscoverRequest.mobileSyncRequestNamespace, AutodiscoverExport.outlookNamespace, true),
    ])
    func everyOutlookRequestBodyIsAnswered(_ client: String, _ requestSchema: String, _ responseSchema: String,
                                           _ settings: Bool) async throws {
        let f = try Fixture()
        let schema = responseSchema.isEmpty ? "" : "<AcceptableResponseSchema>\(responseSchema)</AcceptableResponseSchema>"
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Autodiscover xmlns=\"\(requestSchema)\"><Request>"
            + "<EMailAddress>bob@example.org</EMailAddress>\(schema)</Request></Autodiscover>"
        try await f.app().test(.live) { http in
            let r = try await http.execute(uri: "/autodiscover/autodiscover.xml", method: .post, headers: [.contentType: "text/xml"],
                                           body: ByteBuffer(string: body))
            #expect(r.status == .ok, "\(client): \(r.text)")
            let root = try SafeXMLParser.parse(Array(r.text.utf8), source: client)
            #expect(root.name == "Autodiscover" && root.namespaceURI == AutodiscoverExport.responseNamespace, "\(client)")
            let response = try #require(root.elements.first { $0.name == "Response" }, "\(client)")
            if settings {
                #expect(response.namespaceURI == AutodiscoverExport.outlookNamespace, "\(client)")
                #expect(r.text.contains("<Server>imap.fastmail.com</Server>"), "\(client)")
            } else {
                #expect(r.text.contains("<ErrorCode>601</ErrorCode>"), "\(client): \(r.text)")
                #expect(!r.text.contains("bob@example.org"), "\(client)")
            }
        }
    }

    /// Answers are per domain: an address nobody has gets exactly the answer a real one
    /// gets, but for the address itself. Nothing tells who exists.
    @Test func noAddressOracle() async throws {
        let f = try Fixture()
        let known = "alice@example.org", unknown = "zz-nobody-4711@example.org"
        try await f.app().test(.live) { http in
            for (path, post) in [("/mail/config-v1.1.xml?emailaddress=ADDR", nil as String?),
                                 ("/email.mobileconfig?emailaddress=ADDR", nil),
                                 ("/autodiscover/autodiscover.json?Email=ADDR&Protocol=AutodiscoverV1", nil),
                                 ("/autodiscover/autodiscover.xml", autodiscoverRequest("ADDR"))] {
                var answers: [(HTTPResponse.Status, String)] = []
                for address in [known, unknown] {
                    let r = try await http.execute(uri: path.replacingOccurrences(of: "ADDR", with: address), method: post == nil ? .get : .post,
                                                   headers: [.contentType: "text/xml"],
                                                   body: post.map { ByteBuffer(string: $0.replacingOccurrences(of: "ADDR", with: address)) })
                    // A profile carries fresh UUIDs; everything else is byte for byte the same.
                    // The address (and, in a profile's identifiers, its local part) is the
                    // only difference there may be.
                    let local = String(address.prefix { $0 != "@" })
                    let text = r.text.replacingOccurrences(of: address, with: "ADDR").replacingOccurrences(of: local, with: "LOCAL").replacingOccurrences(
                        of: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}", with: "UUID", options: .regularExpression)
                    answers.append((r.status, text))
                }
                #expect(answers[0].0 == .ok && answers[1].0 == .ok, "\(path)")
                #expect(answers[0].1 == answers[1].1, "\(path)")
            }
        }
    }

    @Test func mobileconfigHealthAndMetrics() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let profile = try await client.execute(uri: "/email.mobileconfig?emailaddress=carol@example.org", method: .get)
            #expect(profile.status == .ok)
            #expect(profile.headers[.contentType] == "application/x-apple-aspen-config")
            #expect(profile.text.contains("<string>carol@example.org</string>"))
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            _ = try await client.execute(uri: "/v1.1/unknown.example", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains("mailconf_http_requests_total{endpoint=\"mobileconfig\",status=\"200\"} 1"))
            #expect(metrics.text.contains("mailconf_http_requests_total{endpoint=\"ispdb\",status=\"404\"} 1"))
            #expect(metrics.text.contains("mailconf_http_request_duration_seconds_bucket{le=\"+Inf\"}"))
        }
    }

    @Test func unknownDomainsAndTheMirrorOption() async throws {
        try await Fixture().app().test(.live) { client in
            let r = try await client.execute(uri: "/mail/config-v1.1.xml?emailaddress=a@gmail.com", method: .get)
            #expect(r.status == .notFound)
            #expect(r.text == "no mail settings for gmail.com on this server\n")
        }
        try await Fixture(allDomains: true).app().test(.live) { client in
            let r = try await client.execute(uri: "/mail/config-v1.1.xml?emailaddress=a@gmail.com", method: .get)
            #expect(r.status == .ok)
            #expect(r.text.contains("smtp.gmail.com"))
        }
    }

    @Test func aChangeToTheCatalogIsPickedUpWithoutARestart() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            #expect(try await client.execute(uri: "/v1.1/example.net", method: .get).status == .notFound)
            let before = try await client.execute(uri: "/v1.1/example.org", method: .get).text
            // Another writer (mailconf domains add) changes the file.
            try f.writer.addOrganisationDomain("example.net", providerID: "gmail")
            try f.writer.removeOrganisationDomain("example.org")
            var status = HTTPResponse.Status.notFound
            for _ in 0..<100 where status != .ok {
                status = try await client.execute(uri: "/v1.1/example.net", method: .get).status
                if status != .ok { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(status == .ok)
            #expect(try await client.execute(uri: "/v1.1/example.org", method: .get).status == .notFound)
            #expect(!before.isEmpty)
        }
    }
}

/// An organisation whose own servers log in with Kerberos: Thunderbird is told GSSAPI;
/// Outlook and Apple, which cannot do Kerberos for IMAP and SMTP, get a 404 that says so
/// rather than settings that would ask for a password.
@Suite struct KerberosOrganisation {
    @Test func thunderbirdGetsGSSAPIAndOutlookAndAppleAreToldWhyNot() async throws {
        let f = try Fixture()
        let imap = try ServerSetting(protocol: .imap, hostname: Hostname("imap.corp.example"), port: Port(993),
                                     security: .tls, authentication: [.gssapi], username: .localPart)
        let smtp = try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.corp.example"), port: Port(587),
                                     security: .starttls, authentication: [.gssapi], username: .localPart)
        try f.writer.addServer(imap, toProvider: "corp", kind: .mailbox, domains: ["corp.example"])
        try f.writer.addServer(smtp, toProvider: "corp")
        try f.writer.addOrganisationDomain("corp.example", providerID: "corp")
        try await f.app().test(.live) { client in
            var thunderbird = try await client.execute(uri: "/v1.1/corp.example", method: .get)
            for _ in 0..<100 where thunderbird.status != .ok {   // the store polls the catalog
                try await Task.sleep(for: .milliseconds(50))
                thunderbird = try await client.execute(uri: "/v1.1/corp.example", method: .get)
            }
            #expect(thunderbird.status == .ok)
            let provider = try ClientConfig.read(Array(thunderbird.text.utf8), source: "served", fallbackID: "corp").provider
            #expect(provider.servers.map(\.authentication) == [[.gssapi], [.gssapi]])

            let outlook = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .post,
                                                   body: ByteBuffer(string: autodiscoverRequest("alice@corp.example")))
            #expect(outlook.status == .notFound)
            #expect(outlook.text.contains("Kerberos"), "\(outlook.text)")
            let apple = try await client.execute(uri: "/email.mobileconfig?emailaddress=alice@corp.example", method: .get)
            #expect(apple.status == .notFound)
            #expect(apple.text.contains("Kerberos"), "\(apple.text)")
        }
    }
}

/// Every bad input gets a 4xx with a one-line reason that does not echo it back.
@Suite struct BadInput {
    @Test(arguments: [
        "a", "a@@example.org", "a@b@example.org", "a%20b@example.org", "a%0d%0aX-Injected:%201@example.org",
        "alice@", "@example.org", "alice@-bad-.org", "alice@exa_mple.org", "%3Cscript%3E@example.org",
        String(repeating: "a", count: 250) + "@example.org",
    ])
    func addressesAreChecked(_ raw: String) async throws {
        try await Fixture().app().test(.live) { client in
            let r = try await client.execute(uri: "/mail/config-v1.1.xml?emailaddress=\(raw)", method: .get)
            #expect(r.status == .badRequest, "\(raw)")
            #expect(!r.text.contains("script") && !r.text.contains("Injected"))
            #expect(r.headers[HTTPField.Name("X-Injected")!] == nil)
            #expect(r.text.split(separator: "\n").count == 1)
        }
    }

    @Test func autodiscoverBodiesAreBoundedAndParsedSafely() async throws {
        try await Fixture().app().test(.live) { client in
            let big = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .post,
                                               body: ByteBuffer(string: String(repeating: "x", count: 65 * 1024)))
            #expect(big.status == .contentTooLarge)
            let xxe = """
                <?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>
                """
            let refused = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .post, body: ByteBuffer(string: xxe))
            #expect(refused.status == .badRequest)
            #expect(!refused.text.contains("root:"))
            for body in ["not xml", "<Autodiscover/>", autodiscoverRequest("not-an-address"), autodiscoverRequest("a@b@c")] {
                let r = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .post, body: ByteBuffer(string: body))
                #expect(r.status == .badRequest, "\(body)")
            }
            let get = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
        }
    }

    @Test func hostHeadersThatAreNotDomains() async throws {
        try await Fixture().app().test(.live) { client in
            let port = try #require(client.port)
            for host in ["[::1]:8080", "autoconfig.", "exa mple.org", "autoconfig.%EMAILDOMAIN%"] {
                let r = try await RawHTTPConnection.fetch(port: port,
                    "GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
                #expect([400, 404].contains(r.status), "\(host): \(r.status)")
                #expect(!r.body.contains("EMAILDOMAIN") && !r.body.contains("mple.org"))
            }
        }
    }
}
