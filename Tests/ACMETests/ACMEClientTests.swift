import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TestSupport
import WebFetch
@testable import ACME

/// Answers no challenge: for orders that must fail before any challenge.
struct NoResponder: ChallengeResponder {
    var kinds: [ChallengeKind] { [.http01] }
    func publish(_ challenge: PendingChallenge) throws {}
    func withdraw(_ challenge: PendingChallenge) {}
}

/// The client against a CA that misbehaves in ways pebble will not on demand (an
/// in-process fake: a rate limit with Retry-After, a refused nonce, a reply that is not
/// ACME).
@Suite struct TalkingToAnAwkwardCA {
    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }

    func withCA<T: Sendable>(_ body: @escaping @Sendable (String, Counter) async throws -> T) async throws -> T {
        let router = Router()
        let nonces = Counter(), posts = Counter()
        router.get("/dir") { request, _ -> Response in
            let base = "http://" + (request.head.authority ?? "127.0.0.1")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string:
                #"{"newNonce":"\#(base)/nonce","newAccount":"\#(base)/acct","newOrder":"\#(base)/order"}"#)))
        }
        router.get("/notacme") { _, _ in "<html>hello</html>" }
        router.get("/nonce") { _, _ in Response(status: .noContent, headers: [HTTPField.Name("Replay-Nonce")!: "n\(nonces.next())"]) }
        router.post("/acct") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            _ = posts.next()
            // The first request's nonce is refused, as a CA may at any time.
            let jws = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: String] ?? [:]
            let header = String(decoding: Data(base64Encoded: (jws["protected"] ?? "").padded) ?? Data(), as: UTF8.self)
            if header.contains(#""nonce":"n1""#) {
                return Response(status: .badRequest, headers: [.contentType: "application/problem+json", HTTPField.Name("Replay-Nonce")!: "fresh"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"type":"urn:ietf:params:acme:error:badNonce","detail":"stale"}"#)))
            }
            return Response(status: .created, headers: [HTTPField.Name("Location")!: "http://ca.test/acct/1", HTTPField.Name("Replay-Nonce")!: "n-next"])
        }
        router.post("/order") { _, _ -> Response in
            _ = posts.next()
            return Response(status: .tooManyRequests,
                            headers: [.contentType: "application/problem+json", HTTPField.Name("Retry-After")!: "3600"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"type":"urn:ietf:params:acme:error:rateLimited","detail":"too many certificates already issued for example.org"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in try await body("http://127.0.0.1:\(try #require(client.port))", posts) }
    }

    @Test func aRefusedNonceIsRetriedAndARateLimitIsReportedWithItsRetryAfter() async throws {
        try await withCA { base, posts in
            let client = ACMEClient(directoryURL: base + "/dir", key: AccountKey(), fetch: HTTPFetch(timeout: 5))
            #expect(try await client.register(contact: ["mailto:admin@example.org"]) == "http://ca.test/acct/1")
            #expect(posts.value.withLock { $0 } == 2, "the badNonce was retried once")
            let before = Date()
            do {
                _ = try await client.issue(names: ["autoconfig.example.org"], csr: [1, 2, 3], responder: NoResponder())
                Issue.record("a rate limit must fail the order")
            } catch let error as ACMEError {
                #expect(error.kind == .acmeRateLimited)
                #expect(error.problem?.type == "urn:ietf:params:acme:error:rateLimited")
                #expect(error.description.contains("too many certificates already issued for example.org"))
                #expect(error.description.contains("autoconfig.example.org"))
                let retry = try #require(error.retryAfter)
                #expect(abs(retry.timeIntervalSince(before) - 3600) < 30)
            }
        }
    }

    @Test func aURLThatIsNotAnACMEDirectoryIsNamed() async throws {
        try await withCA { base, _ in
            let client = ACMEClient(directoryURL: base + "/notacme", key: AccountKey(), fetch: HTTPFetch(timeout: 5))
            await #expect {
                try await client.register(contact: [])
            } throws: { error in
                let e = error as? ACMEError
                return e?.kind == .acmeBadReply && (e?.description.contains(base + "/notacme") ?? false)
            }
            let nowhere = ACMEClient(directoryURL: "http://127.0.0.1:9/dir", key: AccountKey(), fetch: HTTPFetch(timeout: 3))
            await #expect {
                try await nowhere.register(contact: [])
            } throws: { error in
                let e = error as? ACMEError
                return e?.kind == .acmeUnreachable && (e?.description.contains("--acme-directory") ?? false)
            }
        }
    }
}

/// The client against the lab's pebble: a real CA's problem documents.
@Suite(.needs(.labPebble))
struct TalkingToPebble {
    @Test func aNameTheCARefusesComesBackWithItsProblemTypeAndDetail() async throws {
        let lab = try #require(LabServers.current)
        let client = ACMEClient(directoryURL: lab.pebbleDirectory ?? "", key: AccountKey(),
                                fetch: HTTPFetch(caFile: lab.caFile, timeout: 10))
        let account = try await client.register(contact: ["mailto:admin@acme.test"])
        #expect(account.hasPrefix("https://127.0.0.1:"))
        let csr = try CertificateRequest(names: ["bad_name.acme.test"]).der
        do {
            _ = try await client.issue(names: ["bad_name.acme.test"], csr: csr, responder: NoResponder())
            Issue.record("pebble must refuse an underscore in a DNS name")
        } catch let error as ACMEError {
            #expect(error.kind == .acmeProblem, "\(error)")
            let problem = try #require(error.problem)
            #expect(problem.type.hasPrefix("urn:ietf:params:acme:error:"))
            #expect(!(problem.detail ?? "").isEmpty)
            #expect(error.description.contains(problem.type) && error.description.contains(problem.detail ?? "-"))
        }
    }
}

extension String {
    /// base64url → base64 with padding.
    var padded: String {
        var b = replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        return b
    }
}
