import Foundation
import HTTPKit
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// One refusal, three renderings: each keeps the status, the kind and the headers.
@Suite struct OneRefusalThreeRenderings {
    static let refusal = ServiceRefusal(.tooManyRequests, "wait 3 s", field: "token", headers: [.retryAfter: "3"])
    static let page = "<!doctype html><p>wait 3 s</p>"

    /// Each rendering on a route of its own, and the refusal thrown on another.
    static func app() -> some ApplicationProtocol {
        let table = RouteTable<BasicRequestContext>([
            Route(.get, "/text") { _, _ in refusal.text },
            Route(.get, "/json") { _, _ in refusal.json },
            Route(.get, "/html") { _, _ in refusal.html(page, pageHeaders: [.xContentTypeOptions: "nosniff", .contentType: "x/y"]) },
            Route(.get, "/thrown") { _, _ in throw refusal },
            Route(.get, "/unknown") { _, _ in throw ServiceRefusal.notFound("gone") },
        ])
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RefusalMiddleware(methods: MethodNotAllowed(table) { _, _ in "" }) { refusal, _ in refusal.json })
        table.register(on: router)
        return Application(router: router)
    }

    @Test func theKindIsTheStatusesUnlessOneIsGiven() {
        #expect(Self.refusal.kind == .httpRateLimited)
        #expect(ServiceRefusal(.badRequest, "no").kind.name == "bad-request")
        #expect(ServiceRefusal(.conflict, "taken", kind: .init("domain-taken")).kind.name == "domain-taken")
    }

    @Test func asTextJSONAndHTML() async throws {
        try await Self.app().test(.router) { client in
            let text = try await client.execute(uri: "/text", method: .get)
            #expect(text.status == .tooManyRequests && text.headers[.retryAfter] == "3")
            #expect(text.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(String(buffer: text.body) == "wait 3 s\n")

            let json = try await client.execute(uri: "/json", method: .get)
            #expect(json.status == .tooManyRequests && json.headers[.retryAfter] == "3")
            #expect(json.headers[.contentType] == "application/json" && json.headers[.cacheControl] == "no-store")
            let body = try JSONDecoder().decode(ServiceRefusal.JSONBody.self, from: Data(json.body.readableBytesView))
            #expect(body.error.kind == "rate-limited" && body.error.message == "wait 3 s" && body.error.field == "token")

            let html = try await client.execute(uri: "/html", method: .get)
            #expect(html.status == .tooManyRequests && html.headers[.retryAfter] == "3")
            #expect(html.headers[.contentType] == "text/html; charset=utf-8" && html.headers[.xContentTypeOptions] == "nosniff")
            #expect(String(buffer: html.body) == Self.page)
        }
    }

    @Test func aThrownRefusalIsRenderedByTheMiddleware() async throws {
        try await Self.app().test(.router) { client in
            let r = try await client.execute(uri: "/thrown", method: .get)
            #expect(r.status == .tooManyRequests && r.headers[.retryAfter] == "3")
            #expect(try JSONDecoder().decode(ServiceRefusal.JSONBody.self, from: Data(r.body.readableBytesView)).error.field == "token")
            // No field: none in the JSON either.
            let gone = try await client.execute(uri: "/unknown", method: .get)
            #expect(gone.status == .notFound)
            let inner = try JSONDecoder().decode(ServiceRefusal.JSONBody.self, from: Data(gone.body.readableBytesView)).error
            #expect(inner.kind == "not-found" && inner.message == "gone")
            #expect(!String(buffer: gone.body).contains("field"))
        }
    }
}
