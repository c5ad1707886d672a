import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import AdminService
import Catalog
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
        func app(requestsPerSecond: Double = 100, burst: Int = 100) -> some ApplicationProtocol {
            Application(router: AdminAPI.router(catalog: catalog, tokens: tokens, logger: Logger(label: "test"),
                                                requestsPerSecond: requestsPerSecond, burst: burst))
        }
    }

    static func auth(_ token: String = token) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    static func error(_ response: TestResponse) throws -> AdminError.Body.Inner {
        try JSONDecoder().decode(AdminError.Body.self, from: Data(response.body.readableBytesView)).error
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

            #expect(try await client.execute(uri: "/domains/example.org", method: .delete, headers: Self.auth()).status == .noContent)
            #expect(try await client.execute(uri: "/domains/example.org", method: .delete, headers: Self.auth()).status == .notFound)
            #expect(try f.catalog.organisationDomains().isEmpty)
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
            #expect(try await client.execute(uri: "/providers/fastmail", method: .delete, headers: Self.auth()).status != .ok)
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
        let implemented = Set(AdminAPI.routes.map { "\($0.method) \($0.path)" })
        #expect(described == implemented)
        // And the router serves each of them (its own 404 has no JSON error body).
        let f = try Fixture()
        try await f.app().test(.router) { client in
            for route in AdminAPI.routes {
                let uri = route.path.replacingOccurrences(of: "{domain}", with: "example.org").replacingOccurrences(of: "{id}", with: "gmail")
                let r = try await client.execute(uri: uri, method: .init(rawValue: route.method)!, headers: Self.auth(),
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
