import AutoconfigService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Reads `count` responses from one connection (each has a Content-Length or none).
private func responses(_ raw: String) -> [String] {
    var out: [String] = []
    var rest = Substring(raw)
    while let headEnd = rest.range(of: "\r\n\r\n") {
        let head = rest[..<headEnd.lowerBound]
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let end = rest.index(headEnd.upperBound, offsetBy: min(length, rest.distance(from: headEnd.upperBound, to: rest.endIndex)))
        out.append(String(rest[..<end]))
        rest = rest[end...]
    }
    return out
}

/// Without the Date line, which may tick between two answers.
private func undated(_ response: String) -> String {
    response.split(separator: "\r\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Date: ") }.joined(separator: "\r\n")
}

/// One connection: sends `text` at once, reads until `count` answers have come. On a
/// thread of its own: blocking socket calls must not hold one of the few cooperative
/// threads, on which the router answers.
private func exchange(port: Int, _ text: String, count: Int) async throws -> [String] {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try blockingExchange(port: port, text, count: count) }) }
    }
}

private func blockingExchange(port: Int, _ text: String, count: Int) throws -> [String] {
    let c = try RawHTTPConnection(port: port)
    try c.send(text)
    var got = ""
    var all: [String] = []
    for _ in 0..<200 where all.count < count {
        got += try c.readAvailable()
        all = responses(got)
    }
    return all
}

/// The fast path (cached answers written on the event loop) says exactly what the router
/// says for the same request: the router's answer is had by asking right behind another
/// request the router answers, on the same connection (answers keep their order).
@Suite struct CachedAnswersOnTheEventLoop {
    @Test(arguments: [
        "GET /mail/config-v1.1.xml?emailaddress=alice%40Example.ORG HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /.well-known/autoconfig/mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.example.org\r\n\r\n",
        "GET /V1.1/example.org HTTP/1.1\r\nHost: x\r\n\r\n",
        "HEAD /v1.1/example.org HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1.1/example.org HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/\"nothing\", \"8839a4d93de269aa\"\r\n\r\n",
        "GET /mail/config-v1.1.xml?emailaddress=nobody@unknown.example HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /mail/config-v1.1.xml?emailaddress=not-an-address HTTP/1.1\r\nHost: x\r\n\r\n",
    ])
    func theAnswerIsTheRoutersOwn(_ request: String) async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let port = try #require(client.port)
            let behindTheRouter = try await exchange(port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + request, count: 2)
            let alone = try await exchange(port: port, request, count: 1)
            #expect(behindTheRouter.count == 2 && alone.count == 1)
            guard behindTheRouter.count == 2, alone.count == 1 else { return }
            #expect(undated(alone[0]) == undated(behindTheRouter[1]), "\(request)")
            #expect(alone[0].contains("\r\nDate: ") && alone[0].contains("\r\nServer: mailconf"))
        }
    }

    /// Pipelined requests, some cached and some not, are answered in order.
    @Test func pipelinedAnswersKeepTheirOrder() async throws {
        let f = try Fixture()
        try await f.app().test(.live) { client in
            let port = try #require(client.port)
            let asks = ["/v1.1/example.org", "/healthz", "/v1.1/example.org", "/metrics", "/mail/config-v1.1.xml?emailaddress=a@example.org"]
            let text = asks.map { "GET \($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
            let got = try await exchange(port: port, text, count: asks.count)
            #expect(got.count == asks.count, "\(got)")
            let kinds = got.map { $0.contains("<clientConfig") ? "xml" : $0.contains("mailconf_http_requests_total") ? "metrics" : "other" }
            #expect(kinds == ["xml", "other", "xml", "metrics", "xml"], "\(got.map { $0.prefix(80) })")
        }
    }
}
