import Foundation
import HTTPKit
import Hummingbird
import HummingbirdTesting
import Testing

/// One table gives the router and the 405 with `Allow`, matching as the router does.
@Suite struct RouteTableAndTheMethodNotAllowed {
    static func ok(_ text: String) -> Route<BasicRequestContext>.Answer {
        { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text))) }
    }

    /// A router over `table`, its refusals rendered as JSON.
    static func app(_ table: RouteTable<BasicRequestContext>, notFound: ServiceRefusal? = nil) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self, options: table.options)
        router.add(middleware: RefusalMiddleware(
            methods: MethodNotAllowed(table) { path, allowed in "\(path) takes \(allowed)" }, notFound: notFound) { refusal, _ in refusal.json })
        table.register(on: router)
        return Application(router: router)
    }

    static let things = RouteTable<BasicRequestContext>([
        Route(.get, "/things", ok("list")), Route(.post, "/things", ok("added")),
        Route(.get, "/things/{id}", ok("one")), Route(.delete, "/things/{id}", ok("removed")),
    ])

    @Test func aServedPathAskedWithAnotherMethodIs405NamingTheMethodsInTableOrder() async throws {
        try await Self.app(Self.things).test(.router) { client in
            #expect(try await client.execute(uri: "/things", method: .post).status == .ok)
            let wrong = try await client.execute(uri: "/things", method: .put)
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET, POST")
            let body = try JSONDecoder().decode(ServiceRefusal.JSONBody.self, from: Data(wrong.body.readableBytesView))
            #expect(body.error.kind == "method-not-allowed")
            #expect(body.error.message == "/things takes GET, POST")
            let one = try await client.execute(uri: "/things/7/", method: .patch)
            #expect(one.status == .methodNotAllowed && one.headers[.allow] == "GET, DELETE")
        }
    }

    @Test func anUnknownPathIsTheRoutersOwn404OrTheListenersRefusal() async throws {
        try await Self.app(Self.things).test(.router) { client in
            let none = try await client.execute(uri: "/nothing", method: .put)
            #expect(none.status == .notFound)
            #expect(none.headers[.allow] == nil)
            // Matching is the router's: case-sensitive here, a segment for {id}.
            #expect(try await client.execute(uri: "/THINGS", method: .put).status == .notFound)
            #expect(try await client.execute(uri: "/things/7/more", method: .put).status == .notFound)
        }
        try await Self.app(Self.things, notFound: .notFound("no such thing")).test(.router) { client in
            let none = try await client.execute(uri: "/nothing", method: .get)
            #expect(none.status == .notFound)
            #expect(none.headers[.contentType] == "application/json")
        }
    }

    @Test func aCaseInsensitiveTableWithWildcardsMatchesAsItsRouterDoes() async throws {
        let table = RouteTable<BasicRequestContext>([
            Route(.get, "/v1.1/**", Self.ok("file")), Route(.post, "/autodiscover/autodiscover.xml", Self.ok("xml")),
        ], options: [.caseInsensitive, .autoGenerateHeadEndpoints])
        try await Self.app(table).test(.router) { client in
            #expect(try await client.execute(uri: "/V1.1/Example.ORG", method: .get).status == .ok)
            let post = try await client.execute(uri: "/V1.1/a/b", method: .post)
            #expect(post.status == .methodNotAllowed && post.headers[.allow] == "GET")
            let get = try await client.execute(uri: "/Autodiscover/Autodiscover.XML", method: .get)
            #expect(get.status == .methodNotAllowed && get.headers[.allow] == "POST")
            // HEAD of a path served only with POST: the 405's headers, no body.
            let head = try await client.execute(uri: "/autodiscover/autodiscover.xml", method: .head)
            #expect(head.status == .methodNotAllowed && head.body.readableBytes == 0)
        }
    }

    @Test func enterIsToldForTheRouteAndForItsWrongMethods() async throws {
        let told = Told()
        let table = RouteTable<BasicRequestContext>([
            Route(.get, "/healthz", enter: { _ in told.add("healthz") }, Self.ok("ok")),
        ])
        try await Self.app(table).test(.router) { client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            _ = try await client.execute(uri: "/healthz", method: .post)
            _ = try await client.execute(uri: "/other", method: .post)
        }
        #expect(told.names == ["healthz", "healthz"])
    }
}

final class Told: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ name: String) { lock.withLock { list.append(name) } }
    var names: [String] { lock.withLock { list } }
}
