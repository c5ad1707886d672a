import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import AdminService
import Catalog
import MailSettings
import TestSupport

/// The web admin page over a real (SQLite) catalog, through Hummingbird's test client:
/// sign-in, sessions, CSRF, escaping and the headers. tests/browser drives the same
/// page in Chromium.
@Suite struct AdminPageOverACatalog {
    typealias Fixture = AdminAPIOverACatalog.Fixture

    /// The first `name="csrf"` value on a page.
    static func csrf(_ html: String) throws -> String {
        let match = try #require(html.firstMatch(of: /name="csrf" value="([A-Za-z0-9_-]+)"/))
        return String(match.1)
    }

    /// `name=value` of a Set-Cookie header named `name`, and the whole header.
    static func cookie(_ response: TestResponse, _ name: String) throws -> (pair: String, header: String) {
        let header = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("\(name)=") }, "no \(name) cookie")
        return (String(header.prefix { $0 != ";" }), header)
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    static func headers(cookie: String) -> HTTPFields {
        [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
    }

    /// Signs in with `token`; returns the session cookie pair.
    static func signIn(_ client: some TestClientProtocol, token: String = AdminAPIOverACatalog.token) async throws -> String {
        let page = try await client.execute(uri: "/ui/login", method: .get)
        #expect(page.status == .ok)
        let signIn = try cookie(page, PageRoutes.signInCookie).pair
        let posted = try await client.execute(uri: "/ui/login", method: .post, headers: headers(cookie: signIn),
                                              body: form([("csrf", try csrf(String(buffer: page.body))), ("token", token)]))
        #expect(posted.status == .seeOther)
        #expect(posted.headers[.location] == "/ui/")
        return try cookie(posted, PageRoutes.sessionCookie).pair
    }

    @Test func signingInWithATokenGivesAStrictHttpOnlySessionCookie() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            // Not signed in: to the sign-in page.
            let before = try await client.execute(uri: "/ui/", method: .get)
            #expect(before.status == .seeOther)
            #expect(before.headers[.location] == "/ui/login")

            let page = try await client.execute(uri: "/ui/login", method: .get)
            let signIn = try Self.cookie(page, PageRoutes.signInCookie).pair
            let csrf = try Self.csrf(String(buffer: page.body))
            // A wrong token: 401 and the form again; no session.
            let wrong = try await client.execute(uri: "/ui/login", method: .post, headers: Self.headers(cookie: signIn),
                                                 body: Self.form([("csrf", csrf), ("token", "not-one-of-the-tokens-00000000000000")]))
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("not one of the tokens"))
            #expect(!wrong.headers[values: .setCookie].contains { $0.hasPrefix("\(PageRoutes.sessionCookie)=") })
            // The sign-in form without its cookie's token: refused, token right or not.
            let forged = try await client.execute(uri: "/ui/login", method: .post, headers: Self.headers(cookie: signIn),
                                                  body: Self.form([("csrf", "made-up"), ("token", AdminAPIOverACatalog.token)]))
            #expect(forged.status == .forbidden)
            #expect(!forged.headers[values: .setCookie].contains { $0.hasPrefix("\(PageRoutes.sessionCookie)=") })

            let ok = try await client.execute(uri: "/ui/login", method: .post, headers: Self.headers(cookie: signIn),
                                              body: Self.form([("csrf", csrf), ("token", AdminAPIOverACatalog.token)]))
            #expect(ok.status == .seeOther)
            let session = try Self.cookie(ok, PageRoutes.sessionCookie)
            #expect(session.header.contains("HttpOnly"))
            #expect(session.header.contains("SameSite=Strict"))
            #expect(session.header.contains("Path=/ui"))
            #expect(!session.header.contains("Secure"), "plain HTTP here: a Secure cookie would never come back")
            // The token itself is not the cookie.
            #expect(!session.pair.contains(AdminAPIOverACatalog.token))

            let dashboard = try await client.execute(uri: "/ui/", method: .get, headers: [.cookie: session.pair])
            #expect(dashboard.status == .ok)
            #expect(String(buffer: dashboard.body).contains("signed in as alice"))
            // A bearer token is not a page session, and a session is not an API token.
            #expect(try await client.execute(uri: "/ui/", method: .get,
                                             headers: [.authorization: "Bearer \(AdminAPIOverACatalog.token)"]).status == .seeOther)
            #expect(try await client.execute(uri: "/domains", method: .get, headers: [.cookie: session.pair]).status == .unauthorized)
        }
    }

    @Test func onTLSTheCookiesAreSecure() async throws {
        let f = try Fixture()
        let app = Application(router: AdminAPI.router(catalog: f.catalog, tokens: f.tokens, logger: Logger(label: "test"), secure: true))
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/ui/login", method: .get)
            #expect(try Self.cookie(page, PageRoutes.signInCookie).header.contains("Secure"))
        }
    }

    @Test func everyPageHasAStrictContentSecurityPolicy() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            let session = try await Self.signIn(client)
            for (uri, headers) in [("/ui/login", HTTPFields()), ("/ui/", [.cookie: session]), ("/ui/servers/999999", [.cookie: session])] {
                let r = try await client.execute(uri: uri, method: .get, headers: headers)
                let csp = try #require(r.headers[.contentSecurityPolicy], "\(uri)")
                #expect(csp.contains("default-src 'none'"))
                #expect(csp.contains("script-src 'self'"))
                #expect(csp.contains("form-action 'self'"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[.cacheControl] == "no-store")
                // Nothing from outside: every script and style sheet is the listener's own.
                let html = String(buffer: r.body)
                #expect(!html.contains("<script>"), "no inline script: \(uri)")
                #expect(!html.contains("http://") && !html.contains("https://"), "nothing fetched from outside: \(uri)")
            }
            #expect(try await client.execute(uri: "/ui/servers/999999", method: .get, headers: [.cookie: session]).status == .notFound)
            let js = try await client.execute(uri: "/ui/assets/admin.js", method: .get)
            #expect(js.headers[.contentType]?.hasPrefix("text/javascript") == true)
        }
    }

    @Test func aFormWithoutItsCSRFTokenChangesNothing() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            let session = try await Self.signIn(client)
            for fields in [[("domain", "example.org"), ("provider", "fastmail")],
                           [("csrf", "another-sessions-token-0000000000000000000"), ("domain", "example.org"), ("provider", "fastmail")]] {
                let r = try await client.execute(uri: "/ui/domains", method: .post, headers: Self.headers(cookie: session),
                                                 body: Self.form(fields))
                #expect(r.status == .forbidden)
                #expect(String(buffer: r.body).contains("CSRF"))
            }
            // Sent from another site, even with the token.
            let page = try await client.execute(uri: "/ui/", method: .get, headers: [.cookie: session])
            let csrf = try Self.csrf(String(buffer: page.body))
            var crossSite = Self.headers(cookie: session)
            crossSite[PageSessionMiddleware.fetchSite] = "cross-site"
            let cross = try await client.execute(uri: "/ui/domains", method: .post, headers: crossSite,
                                                 body: Self.form([("csrf", csrf), ("domain", "example.org"), ("provider", "fastmail")]))
            #expect(cross.status == .forbidden)
            #expect(try f.catalog.organisationDomains().isEmpty)

            let done = try await client.execute(uri: "/ui/domains", method: .post, headers: Self.headers(cookie: session),
                                                body: Self.form([("csrf", csrf), ("domain", "Example.org"), ("provider", "fastmail")]))
            #expect(done.status == .seeOther)
            #expect(try f.catalog.organisationDomains().map(\.domain) == ["example.org"])
            // Written to the history under the token's label, as the API writes.
            #expect(try f.catalog.changes(limit: 1).first?.actor == "token:alice")
            let after = String(buffer: try await client.execute(uri: "/ui/", method: .get, headers: [.cookie: session]).body)
            #expect(after.contains("Added example.org"))
            #expect(after.contains("&lt;incomingServer type=&quot;imap&quot;&gt;"), "the Thunderbird answer, previewed as text")
        }
    }

    @Test func whatComesFromTheCatalogIsEscaped() async throws {
        let f = try Fixture()
        let hostile = "<script>alert(1)</script>"
        let id = try f.catalog.addServer(try ServerSetting(protocol: .smtp, description: hostile, hostname: try Hostname("smtp.example.org"),
                                                  port: 587, security: .starttls, choices: [.method(.passwordCleartext)],
                                                  username: try UsernameTemplate("%EMAILADDRESS%")),
                                toProvider: "my-relay", displayName: hostile)
        try await f.app().test(.router) { client in
            let session = try await Self.signIn(client)
            let server = String(buffer: try await client.execute(uri: "/ui/servers/\(id)", method: .get, headers: [.cookie: session]).body)
            #expect(!server.contains(hostile))
            #expect(server.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // A refused form shows what was typed, escaped, and keeps it in the field.
            let csrf = try Self.csrf(server)
            let r = try await client.execute(uri: "/ui/domains", method: .post, headers: Self.headers(cookie: session),
                                             body: Self.form([("csrf", csrf), ("domain", "\"><script>x()</script>"), ("provider", "fastmail")]))
            #expect(r.status == .unprocessableContent)
            let page = String(buffer: r.body)
            #expect(!page.contains("<script>x()"))
            #expect(page.contains("value=\"&quot;&gt;&lt;script&gt;x()&lt;/script&gt;\""))
        }
    }

    @Test func aServerIsEditedAndABadPortNamedWithNothingLost() async throws {
        let f = try Fixture()
        let id = try f.catalog.addServer(try ServerSetting(protocol: .smtp, hostname: try Hostname("smtp.example.org"), port: 587,
                                                  security: .starttls, choices: [.method(.passwordCleartext)]),
                                toProvider: "my-relay")
        try await f.app().test(.router) { client in
            let session = try await Self.signIn(client)
            let csrf = try Self.csrf(String(buffer: try await client.execute(uri: "/ui/servers/\(id)", method: .get, headers: [.cookie: session]).body))
            let fields = [("csrf", csrf), ("protocol", "smtp"), ("hostname", "mail.example.org"), ("port", "99999"),
                          ("security", "tls"), ("authentication", "password-cleartext"), ("username", ""), ("description", "relay")]
            let bad = try await client.execute(uri: "/ui/servers/\(id)", method: .post, headers: Self.headers(cookie: session), body: Self.form(fields))
            #expect(bad.status == .unprocessableContent)
            let page = String(buffer: bad.body)
            #expect(page.contains("(field: port)"))
            #expect(page.contains("value=\"mail.example.org\""), "what was typed stays in the form")
            #expect(try f.catalog.server(id: id)?.server.server.hostname?.name == "smtp.example.org")

            // A preset's server is not edited here.
            let preset = try #require(try f.catalog.entry(id: "gmail")?.serverIDs.first)
            #expect(try await client.execute(uri: "/ui/servers/\(preset)", method: .get, headers: [.cookie: session]).status == .notFound)

            let good = fields.map { $0.0 == "port" ? ("port", "465") : $0 }
            let saved = try await client.execute(uri: "/ui/servers/\(id)", method: .post, headers: Self.headers(cookie: session), body: Self.form(good))
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/ui/servers/\(id)")
            let stored = try #require(try f.catalog.server(id: id)?.server.server)
            #expect(stored.hostname?.name == "mail.example.org")
            #expect(stored.port?.value == 465)
            #expect(stored.security == .tls)
        }
    }

    @Test func sessionsEndWhenIdleOrOldAndTheOldestGoFirst() async throws {
        let sessions = PageSessions(idle: .seconds(60), lifetime: .seconds(600), capacity: 2)
        let start = ContinuousClock.now
        let a = sessions.open(label: "alice", now: start)
        #expect(sessions.find(a, now: start + .seconds(30))?.label == "alice")
        #expect(sessions.find(a, now: start + .seconds(89)) != nil, "used at 30 s: idle from then")
        #expect(sessions.find(a, now: start + .seconds(150)) == nil, "idle for more than 60 s")
        let b = sessions.open(label: "bob", now: start)
        _ = sessions.open(label: "carol", now: start + .seconds(1))
        _ = sessions.open(label: "dave", now: start + .seconds(2))
        #expect(sessions.find(b, now: start + .seconds(3)) == nil, "the least recently used goes past the capacity")
        #expect(sessions.count == 2)
        let e = sessions.open(label: "erin", now: start)
        for second in stride(from: 50, through: 550, by: 50) { #expect(sessions.find(e, now: start + .seconds(second)) != nil) }
        #expect(sessions.find(e, now: start + .seconds(601)) == nil, "at most the lifetime, however used")
    }
}
