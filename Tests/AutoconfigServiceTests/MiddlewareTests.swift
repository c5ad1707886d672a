import AutoconfigService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TestSupport

/// What the router and the middleware around every route add: HEAD, paths in any
/// letter case, caching and 304s, 404 and 405, metrics and the access log.
@Suite struct RouterAndMiddleware {
    @Test func headAnswersWithTheHeadersOfGETAndNoBody() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let get = try await client.execute(uri: "/v1.1/example.org", method: .get)
            let port = try #require(client.port)
            let head = try await RawHTTPConnection.fetch(port: port,
                "HEAD /v1.1/example.org HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["etag"] == get.headers[.eTag])
            #expect(head.headers["content-type"] == "application/xml; charset=utf-8")
            #expect(head.headers["cache-control"] == "public, max-age=300")
            let etag = try #require(get.headers[.eTag])
            let notModified = try await RawHTTPConnection.fetch(port: port,
                "HEAD /v1.1/example.org HTTP/1.1\r\nHost: x\r\nIf-None-Match: \(etag)\r\nConnection: close\r\n\r\n")
            #expect(notModified.status == 304)
            // Outlook's endpoint takes only POST, so HEAD is not answered as a GET there.
            let autodiscover = try await RawHTTPConnection.fetch(port: port,
                "HEAD /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(autodiscover.status == 405)
            #expect(autodiscover.headers["allow"] == "POST")
            #expect(autodiscover.body.isEmpty)
            let unknown = try await RawHTTPConnection.fetch(port: port,
                "HEAD /nothing/here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(unknown.status == 404)
            #expect(unknown.body.isEmpty)
            let refused = try await RawHTTPConnection.fetch(port: port,
                "HEAD /v1.1/unknown.example HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(refused.status == 404)
            #expect(refused.body.isEmpty)
        }
    }

    @Test func pathsMatchInAnyLetterCase() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let lower = try await client.execute(uri: "/v1.1/example.org", method: .get)
            for uri in ["/V1.1/Example.ORG", "/MAIL/Config-v1.1.xml?emailaddress=a@example.org",
                        "/.Well-Known/AutoConfig/mail/config-V1.1.XML?emailaddress=a@example.org"] {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(r.status == .ok, "\(uri)")
                #expect(r.text == lower.text, "\(uri)")
            }
            #expect(try await client.execute(uri: "/HEALTHZ", method: .get).status == .ok)
            let json = try await client.execute(uri: "/Autodiscover/Autodiscover.JSON/V1.0/Bob@Example.ORG?Protocol=AutodiscoverV1", method: .get)
            #expect(json.status == .ok)
            #expect(json.text.contains("https://autodiscover.example.org/autodiscover/autodiscover.xml"))
        }
    }

    @Test func ifNoneMatchTakesAListWeakTagsAndStarAndOnlyTaggedAnswersAreCached() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let first = try await client.execute(uri: "/email.mobileconfig?emailaddress=carol@example.org", method: .get)
            let etag = try #require(first.headers[.eTag])
            #expect(first.headers[.cacheControl] == "public, max-age=300")
            #expect(first.headers[.contentDisposition] == "attachment; filename=\"example.org.mobileconfig\"")
            for match in ["\"other\", W/\(etag)", "*", etag] {
                let r = try await client.execute(uri: "/email.mobileconfig?emailaddress=carol@example.org", method: .get,
                                                 headers: [.ifNoneMatch: match])
                #expect(r.status == .notModified, "\(match)")
                #expect(r.body.readableBytes == 0)
                #expect(r.headers[.eTag] == etag)
                #expect(r.headers[.cacheControl] == "public, max-age=300")
            }
            let refused = try await client.execute(uri: "/v1.1/unknown.example", method: .get, headers: [.ifNoneMatch: "*"])
            #expect(refused.status == .notFound)
            #expect(refused.headers[.cacheControl] == "no-store")
            #expect(refused.headers[.eTag] == nil)
            let outlook = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .post,
                                                   body: ByteBuffer(string: autodiscoverRequest("bob@example.org")))
            #expect(outlook.status == .ok)
            #expect(outlook.headers[.cacheControl] == "no-store")
            #expect(try await client.execute(uri: "/healthz", method: .get).headers[.cacheControl] == "no-store")
        }
    }

    @Test func unknownURLsAreNotFoundAndWrongMethodsNameTheRightOne() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let unknown = try await client.execute(uri: "/nothing/here", method: .get)
            #expect(unknown.status == .notFound)
            #expect(unknown.text == "not an autoconfig or autodiscover URL\n")
            #expect(unknown.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(unknown.headers[.cacheControl] == "no-store")
            #expect(try await client.execute(uri: "/v1.1/", method: .get).status == .notFound)

            let post = try await client.execute(uri: "/Healthz", method: .post)
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET")
            #expect(post.text == "use GET for /healthz\n")
            let put = try await client.execute(uri: "/V1.1/example.org", method: .put)
            #expect(put.status == .methodNotAllowed)
            #expect(put.text == "use GET for /v1.1/example.org\n")

            // Everything after /v1.1/ is the domain, so more segments are not a domain.
            let deeper = try await client.execute(uri: "/v1.1/example.org/more", method: .get)
            #expect(deeper.status == .badRequest)
            #expect(deeper.text == "the domain in the path is not a mail domain\n")

            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains("mailconf_http_requests_total{endpoint=\"other\",status=\"404\"} 2"))
            #expect(metrics.contains("mailconf_http_requests_total{endpoint=\"healthz\",status=\"405\"} 1"))
            #expect(metrics.contains("mailconf_http_requests_total{endpoint=\"ispdb\",status=\"405\"} 1"))
            #expect(metrics.contains("mailconf_http_requests_total{endpoint=\"ispdb\",status=\"400\"} 1"))
        }
    }

    @Test func metricsCountA304AsA304() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let etag = try #require(try await client.execute(uri: "/v1.1/example.org", method: .get).headers[.eTag])
            _ = try await client.execute(uri: "/v1.1/example.org", method: .get, headers: [.ifNoneMatch: etag])
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains("mailconf_http_requests_total{endpoint=\"ispdb\",status=\"200\"} 1"))
            #expect(metrics.contains("mailconf_http_requests_total{endpoint=\"ispdb\",status=\"304\"} 1"))
        }
    }

    @Test(arguments: [false, true])
    func theAccessLogNamesWholeAddressesOnlyWhenAsked(_ logAddresses: Bool) async throws {
        let f = try Fixture()
        var configuration = f.configuration
        configuration.logAddresses = logAddresses
        let file = AccessLogFile()
        let log = AccessLog(logAddresses: logAddresses, descriptor: file.descriptor)
        let app = try AutoconfigServer.application(store: f.store, configuration: configuration, accessLog: log, host: "127.0.0.1",
                                                   port: 0, tls: nil, logger: Logger(label: "access"))
        try await app.test(.live) { client in
            _ = try await client.execute(uri: "/mail/config-v1.1.xml?emailaddress=erin@example.org", method: .get)
            _ = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .post,
                                         body: ByteBuffer(string: autodiscoverRequest("bob@example.org")))
            _ = try await client.execute(uri: "/v1.1/unknown.example", method: .get)
            _ = try await client.execute(uri: "/nothing", method: .get)
        }
        log.stop()
        // swift-log's layout: time stamp, level, label, source, then the line.
        let access = file.lines.compactMap { line in
            line.range(of: " info mailconf.serve: [AutoconfigService] ").map { String(line[$0.upperBound...]) }
        }
        #expect(access.count == 4, "\(file.lines)")
        #expect(file.lines.allSatisfy { $0.hasSuffix(" ms") && $0.first?.isNumber == true }, "\(file.lines)")
        let prefixes = logAddresses
            ? ["autoconfig erin@example.org 200 ", "autodiscover bob@example.org 200 ", "ispdb - 404 ", "other - 404 "]
            : ["autoconfig example.org 200 ", "autodiscover example.org 200 ", "ispdb - 404 ", "other - 404 "]
        for (line, prefix) in zip(access, prefixes) { #expect(line.hasPrefix(prefix), "\(line)") }
        #expect(access.contains { $0.contains("erin") || $0.contains("bob") } == logAddresses)
    }

    @Test func noAccessLogWritesNoLinePerRequest() async throws {
        let f = try Fixture()
        var configuration = f.configuration
        configuration.accessLog = false
        let file = AccessLogFile()
        let log = AccessLog(logAddresses: false, descriptor: file.descriptor)
        let app = try AutoconfigServer.application(store: f.store, configuration: configuration, accessLog: log, host: "127.0.0.1",
                                                   port: 0, tls: nil, logger: Logger(label: "access"))
        try await app.test(.live) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
        log.stop()
        #expect(file.lines.isEmpty, "\(file.lines)")
    }
}

/// A file for an access log, read back whole.
final class AccessLogFile {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailconf-access-\(UUID().uuidString).log")
    let descriptor: Int32
    init() { descriptor = open(url.path, O_CREAT | O_WRONLY | O_TRUNC, 0o600) }
    deinit {
        close(descriptor)
        try? FileManager.default.removeItem(at: url)
    }
    var lines: [String] { ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
}

/// A log handler that keeps the messages, at every level.
final class CapturedLog: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append(event.message.description) }
    }
}
