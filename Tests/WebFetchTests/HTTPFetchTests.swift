import Foundation
import Hummingbird
import HummingbirdTesting
import MailNet
import NIOCore
import NIOPosix
import Testing
import WebFetch

/// The small GET against a real HTTP server (Hummingbird, on loopback): what it answers,
/// its bounds, and its failures in MailNet's words.
@Suite struct HTTPFetching {
    func withServer<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.get("/config") { _, _ in "<clientConfig/>" }
        router.get("/big") { _, _ in String(repeating: "x", count: 200_000) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    @Test func aGetGivesStatusAndBodyThroughAnOverride() async throws {
        try await withServer { port in
            // autoconfig.example.test is not in any DNS: --connect-to sends it to loopback.
            let fetch = HTTPFetch(overrides: ["autoconfig.example.test:80": ("127.0.0.1", port)], timeout: 3)
            let r = try await fetch.get("http://autoconfig.example.test/config")
            #expect(r.status == 200)
            #expect(String(decoding: r.body, as: UTF8.self) == "<clientConfig/>")
            #expect(try await fetch.get("http://autoconfig.example.test/absent").status == 404)
        }
    }

    @Test func anAnswerOverTheLimitIsRefused() async throws {
        try await withServer { port in
            let fetch = HTTPFetch(timeout: 3, maxBody: 64 * 1024)
            do {
                _ = try await fetch.get("http://127.0.0.1:\(port)/big")
                Issue.record("200 kB taken under a 64 KiB limit")
            } catch let f as HTTPFetch.Failure {
                #expect(f.message.contains("larger than 64 KiB"), "\(f.message)")
            }
        }
    }

    @Test func whatIsNotAnHTTPURLIsRefusedWithoutConnecting() async {
        await #expect(throws: HTTPFetch.Failure.self) { try await HTTPFetch().get("ftp://example.test/x") }
        await #expect(throws: HTTPFetch.Failure.self) { try await HTTPFetch().get("not a url") }
    }

    @Test func aClosedPortSaysConnectionRefused() async throws {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        do {
            _ = try await HTTPFetch(timeout: 2).get("http://127.0.0.1:\(port)/")
            Issue.record("fetched from a closed port")
        } catch let f as HTTPFetch.Failure {
            #expect(f.message.contains("connection refused"), "\(f.message)")
        }
    }

    @Test func aServerThatNeverAnswersIsCutOffAtTheDeadline() async throws {
        // Hostile: accepts the connection and never says a word.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { _ in MultiThreadedEventLoopGroup.singleton.next().makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = silent.localAddress!.port!
        let started = ContinuousClock.now
        do {
            _ = try await HTTPFetch(timeout: 1).get("http://127.0.0.1:\(port)/")
            Issue.record("an answer from a silent server")
        } catch let f as HTTPFetch.Failure {
            #expect(f.message.contains("no answer within 1.0 s"), "\(f.message)")
        }
        // The silent server never answers, so only the deadline ends the fetch. The bound is
        // loose: at the start of a whole run on two cores, a 1 s wait can take 25 s.
        #expect(ContinuousClock.now - started < .seconds(60), "the fetch outlived its deadline")
        try await silent.close()
    }
}
