import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import AdminService
import Catalog
import HTTPKit
import MailNet
import MailSettings
import TestSupport

/// The admin API over a real (SQLite) catalog, through Hummingbird's test client.
@Suite struct AdminAPIOverACatalog {
    static let token = "k9c2a7d1e0f3b4a5968778695a4b3c2d1e0f9a8b"
    static let other = "00112233445566778899aabbccddeeff00112233"

    /// A new catalog in a folder of its own, and the app over it.
    final class Fixture: @unchecked Sendable {
        let folder = TemporaryFolder()
        let catalog: Catalog
        let tokens: AdminTokens
        init() throws {
            catalog = try Catalog(path: folder.url.appendingPathComponent("catalog.sqlite").path)
            tokens = try AdminTokens(text: "# who may change the catalog\nalice:\(AdminAPIOverACatalog.token)\nbob:\(AdminAPIOverACatalog.other)\n",
                                     source: "tokens")
        }
        func app(requestsPerSecond: Double = 100, burst: Int = 100, trust: TrustPolicy = .system) -> some ApplicationProtocol {
            Application(router: AdminAPI.router(catalog: catalog, tokens: tokens, logger: Logger(label: "test"), verifyTrust: trust,
                                                requestsPerSecond: requestsPerSecond, burst: burst))
        }
    }

    static func auth(_ token: String = token) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    static func error(_ response: TestResponse) throws -> ServiceRefusal.JSONBody.Inner {
        try JSONDecoder().decode(ServiceRefusal.JSONBody.self, from: Data(response.body.readableBytesView)).error
    }

    @Test func everyRequestNeedsOneOfTheTokens() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong-token-0000000000000000000000000"],
                                        [.authorization: "Basic \(Self.token)"], [.authorization: "Bearer "]] {
                let r = try await client.execute(uri: "/domains", method: .get, headers: headers)
                #expect(r.status == .unauthorized)
                #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(try Self.error(r).kind == "unauthorized")
            }
            #expect(try await client.execute(uri: "/domains", method: .get, headers: Self.auth()).status == .ok)
            #expect(try await client.execute(uri: "/domains", method: .get, headers: Self.auth(Self.other)).status == .ok)
        }
    }

    @Test func domainsAreAddedMappedAndRemovedWithTheCLIsRules() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            let add = try await client.execute(uri: "/domains", method: .post, headers: Self.auth(),
                                               body: ByteBuffer(string: #"{"domain": "Example.ORG", "provider": "fastmail"}"#))
            #expect(add.status == .created)
            #expect(String(buffer: add.body) == #"{"domain":"example.org","provider":"fastmail"}"#)
            #expect(try f.catalog.organisationDomains().map { "\($0.domain) \($0.providerID)" } == ["example.org fastmail"])

            let again = try await client.execute(uri: "/domains", method: .post, headers: Self.auth(),
                                                 body: ByteBuffer(string: #"{"domain": "example.org", "provider": "gmail"}"#))
            #expect(again.status == .conflict)
            #expect(try Self.error(again).kind == "domain-taken")

            let bad = try await client.execute(uri: "/domains", method: .post, headers: Self.auth(),
                                               body: ByteBuffer(string: #"{"domain": "not a domain", "provider": "gmail"}"#))
            #expect(bad.status == .unprocessableContent)
            #expect(try Self.error(bad).field == "hostname" || (try Self.error(bad).field) == "domain", "\(String(buffer: bad.body))")

            let unknown = try await client.execute(uri: "/domains", method: .post, headers: Self.auth(),
                                                   body: ByteBuffer(string: #"{"domain": "example.net", "provider": "gmial"}"#))
            #expect(unknown.status == .unprocessableContent)
            #expect(try Self.error(unknown).field == "provider")
            #expect(try Self.error(unknown).message.contains("did you mean 'gmail'"))

            let missing = try await client.execute(uri: "/domains", method: .post, headers: Self.auth(),
                                                   body: ByteBuffer(string: #"{"domain": "example.net"}"#))
            #expect(missing.status == .badRequest)
            #expect(try Self.error(missing).field == "provider")
            let notJSON = try await client.execute(uri: "/domains", method: .post, headers: Self.auth(), body: ByteBuffer(string: "domain=x"))
            #expect(notJSON.status == .badRequest)

            let map = try await client.execute(uri: "/domains/example.org", method: .put, headers: Self.auth(),
                                               body: ByteBuffer(string: #"{"provider": "gmail"}"#))
            #expect(map.status == .ok)
            #expect(try f.catalog.organisationDomains().first?.providerID == "gmail")
            let mapNone = try await client.execute(uri: "/domains/nowhere.example", method: .put, headers: Self.auth(),
                                                   body: ByteBuffer(string: #"{"provider": "gmail"}"#))
            #expect(mapNone.status == .notFound)
            #expect(try Self.error(mapNone).kind == "domain-unknown")

            let list = try await client.execute(uri: "/domains", method: .get, headers: Self.auth())
            #expect(String(buffer: list.body) == #"{"domains":[{"domain":"example.org","provider":"gmail"}]}"#)
            #expect(list.headers[.cacheControl] == "no-store")

            #expect(try await client.execute(uri: "/domains/example.org", method: .delete, headers: Self.auth(Self.other)).status == .noContent)
            // The history names the token of each change.
            let history = try await client.execute(uri: "/changes?limit=3", method: .get, headers: Self.auth())
            let changes = try #require(try JSONSerialization.jsonObject(with: Data(history.body.readableBytesView)) as? [String: [[String: Any]]])["changes"]
            #expect(changes?.map { "\($0["actor"] ?? "") \($0["change"] ?? "")" } == [
                "token:bob removed domain example.org", "token:alice mapped domain example.org → gmail",
                "token:alice added domain example.org → fastmail"])
            #expect((changes?.first?["at"] as? String)?.hasSuffix("Z") == true)
            #expect(try await client.execute(uri: "/changes?limit=0", method: .get, headers: Self.auth()).status == .badRequest)
            #expect(try await client.execute(uri: "/domains/example.org", method: .delete, headers: Self.auth()).status == .notFound)
            #expect(try f.catalog.organisationDomains().isEmpty)
            #expect(try f.catalog.changes().count == 4)
        }
    }

    @Test func bodiesAreCappedAndRequestsLimitedPerToken() async throws {
        let f = try Fixture()
        try await f.app(requestsPerSecond: 0.01, burst: 3).test(.router) { client in
            let big = String(repeating: "x", count: AdminAPI.largestBody + 1)
            let tooBig = try await client.execute(uri: "/domains", method: .post, headers: Self.auth(),
                                                  body: ByteBuffer(string: #"{"domain": "\#(big)", "provider": "gmail"}"#))
            #expect(tooBig.status == .contentTooLarge)
            #expect(try f.catalog.organisationDomains().isEmpty)
            // The first request above took one of alice's three.
            for _ in 0..<2 { #expect(try await client.execute(uri: "/providers", method: .get, headers: Self.auth()).status == .ok) }
            let limited = try await client.execute(uri: "/providers", method: .get, headers: Self.auth())
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try Self.error(limited).kind == "rate-limited")
            // Another token has a bucket of its own.
            #expect(try await client.execute(uri: "/providers", method: .get, headers: Self.auth(Self.other)).status == .ok)
        }
    }

    @Test func providersAreReadOnlyResources() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            let all = try await client.execute(uri: "/providers", method: .get, headers: Self.auth())
            let list = try JSONDecoder().decode(AdminBodies.ProviderList.self, from: Data(all.body.readableBytesView))
            #expect(list.providers.count == (try f.catalog.entries().count))
            #expect(list.providers.allSatisfy { $0.servers == nil })
            let one = try await client.execute(uri: "/providers/fastmail", method: .get, headers: Self.auth())
            let fastmail = try JSONDecoder().decode(AdminBodies.Provider.self, from: Data(one.body.readableBytesView))
            #expect(fastmail.origin == "preset")
            #expect(fastmail.servers?.contains { $0.hostname == "imap.fastmail.com" && $0.port == 993 } == true)
            let none = try await client.execute(uri: "/providers/nope", method: .get, headers: Self.auth())
            #expect(none.status == .notFound)
            // A served path asked with another method: 405 naming the ones it takes.
            let wrong = try await client.execute(uri: "/providers/fastmail", method: .delete, headers: Self.auth())
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET")
            let trace = try await client.execute(uri: "/servers", method: .init("TRACE")!, headers: Self.auth())
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "GET, POST")
            #expect(try await client.execute(uri: "/nowhere", method: .get, headers: Self.auth()).status == .notFound)
        }
    }

    @Test func serversAreAddedEditedAndRemovedWithTheModelsChecks() async throws {
        let f = try Fixture()
        try await f.app().test(.router) { client in
            let new = #"{"provider": "office", "name": "Office relay", "hostname": "smtp.office.example", "port": 587, "security": "starttls", "authentication": ["password-cleartext"], "username": "%EMAILADDRESS%"}"#
            let added = try await client.execute(uri: "/servers", method: .post, headers: Self.auth(), body: ByteBuffer(string: new))
            #expect(added.status == .created, "\(String(buffer: added.body))")
            let server = try JSONDecoder().decode(AdminBodies.Server.self, from: Data(added.body.readableBytesView))
            let id = try #require(server.id)
            #expect(server.provider == "office" && server.port == 587 && server.security == "starttls")
            #expect(try f.catalog.userServers().map(\.id) == [id])

            for (body, field) in [(new.replacingOccurrences(of: "587", with: "70000"), "port"),
                                  (new.replacingOccurrences(of: #""starttls""#, with: #""ssl-maybe""#), "security"),
                                  (new.replacingOccurrences(of: "smtp.office.example", with: "bad host\\r\\nRCPT"), "hostname")] {
                let refused = try await client.execute(uri: "/servers", method: .post, headers: Self.auth(), body: ByteBuffer(string: body))
                #expect(refused.status == .unprocessableContent, "\(String(buffer: refused.body))")
                #expect(try Self.error(refused).field == field, "\(String(buffer: refused.body))")
            }
            let noHost = try await client.execute(uri: "/servers", method: .post, headers: Self.auth(),
                                                  body: ByteBuffer(string: #"{"provider": "office", "port": 25, "security": "none", "authentication": []}"#))
            #expect(noHost.status == .badRequest)
            #expect(try Self.error(noHost).field == "hostname")
            let onPreset = try await client.execute(uri: "/servers", method: .post, headers: Self.auth(),
                                                    body: ByteBuffer(string: new.replacingOccurrences(of: #""office""#, with: #""gmail""#)))
            #expect(onPreset.status == .forbidden)
            #expect(try Self.error(onPreset).kind == "preset-read-only")
            #expect(try f.catalog.userServers().count == 1)

            let edited = try await client.execute(uri: "/servers/\(id)", method: .patch, headers: Self.auth(),
                                                  body: ByteBuffer(string: #"{"port": 465, "security": "tls", "username": ""}"#))
            #expect(edited.status == .ok, "\(String(buffer: edited.body))")
            let stored = try #require(try f.catalog.server(id: id)).server.server
            #expect(stored.port == 465 && stored.security == .tls && stored.username == nil && stored.hostname?.name == "smtp.office.example")
            let gmailServer = try #require(try f.catalog.entry(id: "gmail")?.serverIDs.first)
            let presetEdit = try await client.execute(uri: "/servers/\(gmailServer)", method: .patch, headers: Self.auth(),
                                                      body: ByteBuffer(string: #"{"port": 25}"#))
            #expect(presetEdit.status == .forbidden)
            #expect(try await client.execute(uri: "/servers/999999", method: .delete, headers: Self.auth()).status == .notFound)
            #expect(try await client.execute(uri: "/servers/abc", method: .delete, headers: Self.auth()).status == .notFound)

            let list = try await client.execute(uri: "/servers", method: .get, headers: Self.auth())
            #expect(try JSONDecoder().decode(AdminBodies.ServerList.self, from: Data(list.body.readableBytesView)).servers.map(\.id) == [id])
            #expect(try await client.execute(uri: "/servers/\(id)", method: .delete, headers: Self.auth()).status == .noContent)
            #expect(try f.catalog.entry(id: "office") == nil)
        }
    }

    /// `verify` connects to the lab's Postfix (STARTTLS on its submission port, the lab
    /// CA trusted) without logging in, and records what it found.
    @Test(.needs(.lab))
    func verifyConnectsToTheServerAndRecordsTheOutcome() async throws {
        let lab = try #require(LabServers.current)
        let f = try Fixture()
        let port = lab.port(.submission)
        let id = try f.catalog.addServer(
            try ServerSetting(protocol: .smtp, hostname: Hostname("127.0.0.1"), port: Port(port), security: .starttls,
                              authentication: [.passwordCleartext]), toProvider: "lab")
        try await f.app(trust: .caFile(lab.caFile)).test(.router) { client in
            // Without a login: everything up to AUTH is checked, and the report says the
            // login was not tried.
            let r = try await client.execute(uri: "/servers/\(id)/verify", method: .post, headers: Self.auth())
            #expect(r.status == .ok)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any])
            #expect(report["kind"] as? String == "credentials-missing", "\(report["kind"] ?? "-"): \(report["message"] ?? "-")")
            #expect((report["tls"] as? [String: Any])?["verified"] as? Bool == true, "\(report)")
            #expect((report["authMechanisms"] as? [String])?.contains("PLAIN") == true, "\(report)")
            // With one: a real login, the password in the body only.
            let password = lab.passwordText
            let login = try JSONSerialization.data(withJSONObject: ["username": lab.user, "password": password])
            let withLogin = try await client.execute(uri: "/servers/\(id)/verify", method: .post, headers: Self.auth(),
                                                     body: ByteBuffer(bytes: login))
            let loggedIn = try #require(try JSONSerialization.jsonObject(with: Data(withLogin.body.readableBytesView)) as? [String: Any])
            #expect(loggedIn["ok"] as? Bool == true, "\(loggedIn["kind"] ?? "-"): \(loggedIn["message"] ?? "-")")
            #expect(!String(buffer: withLogin.body).contains(password))
            let last = try f.catalog.lastVerifications(providerID: "lab")
            #expect(last.count == 1 && last.values.first?.ok == true)
        }
        try await f.app().test(.router) { client in
            let r = try await client.execute(uri: "/servers/\(id)/verify", method: .post, headers: Self.auth())
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any])
            #expect(report["ok"] as? Bool == false)
            #expect(report["kind"] as? String == "certificate-untrusted", "\(report)")
        }
    }

    /// docs/admin-api.yaml names exactly the routes the router serves.
    @Test func theOpenAPIDescriptionMatchesTheRoutes() async throws {
        let yaml = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/admin-api.yaml"), encoding: .utf8)
        var described = Set<String>()
        var path: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()); continue }
            for method in ["get", "post", "put", "patch", "delete"] where line == "    \(method):" {
                described.insert("\(method.uppercased()) \(path ?? "?")")
            }
        }
        // The API's routes: the listener's table without the page's.
        let f = try Fixture()
        let api = AdminAPI.routes(catalog: f.catalog, tokens: f.tokens, limiter: RateLimitMiddleware(perSecond: 1, burst: 1),
                                  logger: Logger(label: "test"), verifyTrust: .system, secure: false, clientConfigVersion: .v1_1)
            .routes.filter { !BearerAuthMiddleware.isPage($0.path.description) }
        let implemented = Set(api.map { "\($0.method) \($0.path)" })
        #expect(described == implemented)
        // And the router serves each of them (its own 404 has no JSON error body).
        try await f.app().test(.router) { client in
            for route in api {
                let id = route.path.description.hasPrefix("/servers") ? "999999" : "gmail"
                let uri = route.path.description.replacingOccurrences(of: "{domain}", with: "example.org").replacingOccurrences(of: "{id}", with: id)
                let r = try await client.execute(uri: uri, method: route.method, headers: Self.auth(),
                                                 body: ByteBuffer(string: #"{"domain": "example.org", "provider": "gmail"}"#))
                #expect(r.status != .notFound || (try? Self.error(r)) != nil, "\(route.method) \(uri): \(r.status)")
            }
        }
    }

    @Test func theTokenFileIsReadStrictly() throws {
        let folder = TemporaryFolder()
        let file = try folder.write("tokens", "ops:\(Self.token)\n")
        chmod(file.path, 0o644)
        #expect(throws: AdminTokens.Problem.self) { try AdminTokens(file: file.path) }
        chmod(file.path, 0o600)
        let tokens = try AdminTokens(file: file.path)
        #expect(tokens.label(for: Substring(Self.token)) == "ops")
        #expect(tokens.label(for: Substring(Self.token.dropLast())) == nil)
        #expect(try AdminTokens(text: "\(Self.token)\n", source: "t").label(for: Substring(Self.token)) == "token-1")
        for bad in ["short", "a:\(Self.token)\na:\(Self.other)", "b@d label:\(Self.token)", "# nothing\n"] {
            #expect(throws: AdminTokens.Problem.self, "\(bad)") { try AdminTokens(text: bad, source: "t") }
        }
    }
}
