import Foundation
import WebFetch

/// An RFC 8555 client: one account on one ACME server, its requests signed with the
/// account key (JWS ES256), replay nonces kept and a `badNonce` retried, problem
/// documents turned into ``ACMEError``s with their type and detail.
public actor ACMEClient {
    public let directoryURL: String
    public let key: AccountKey
    let fetch: HTTPFetch
    private var directory: ACMEDirectory?
    private var nonce: String?
    /// The account's URL, the `kid` of every request once known.
    public private(set) var accountURL: String?

    /// - fetch: how to reach the server (its CA file, deadline and size limit).
    public init(directoryURL: String, key: AccountKey, accountURL: String? = nil, fetch: HTTPFetch) {
        self.directoryURL = directoryURL
        self.key = key
        self.accountURL = accountURL
        var fetch = fetch
        fetch.userAgent = "mailconf-acme"
        fetch.maxBody = min(fetch.maxBody, 1 << 20)
        self.fetch = fetch
    }

    // MARK: The account

    /// Finds or creates the account for this key (RFC 8555 §7.3), agreeing to the CA's
    /// terms of service; returns its URL.
    @discardableResult
    public func register(contact: [String]) async throws -> String {
        struct NewAccount: Encodable { var contact: [String]; var termsOfServiceAgreed = true }
        let dir = try await loadDirectory()
        let reply = try await post(dir.newAccount, payload: NewAccount(contact: contact), what: "creating the account")
        guard let location = reply.header("Location"), !location.isEmpty else {
            throw ACMEError(.acmeBadReply, "\(dir.newAccount) created no account URL (no Location header): is \(directoryURL) an ACME directory?")
        }
        accountURL = location
        return location
    }

    // MARK: Orders

    /// Obtains a certificate for `names` (RFC 8555 §7.4): an order, each authorization's
    /// challenge answered through `responder`, then the CSR, then the chain.
    /// - deadline: the whole order's time.
    public func issue(names: [String], csr: [UInt8], responder: any ChallengeResponder,
                      deadline: Duration = .seconds(120)) async throws -> String {
        if accountURL == nil { throw ACMEError(.acmeBadReply, "no ACME account yet: register first") }
        let start = ContinuousClock.now
        let dir = try await loadDirectory()
        struct NewOrder: Encodable { var identifiers: [ACMEIdentifier] }
        let created = try await post(dir.newOrder, payload: NewOrder(identifiers: names.map { ACMEIdentifier(value: $0) }),
                                     what: "ordering a certificate for \(names.joined(separator: ", "))")
        guard let orderURL = created.header("Location") else {
            throw ACMEError(.acmeBadReply, "\(dir.newOrder) gave the order no URL (no Location header)")
        }
        var order: ACMEOrder = try decode(created, from: dir.newOrder)
        for authorizationURL in order.authorizations {
            try await authorize(authorizationURL, responder: responder, until: start + deadline)
        }
        order = try await poll(orderURL, as: ACMEOrder.self, until: start + deadline, what: "the order for \(names.joined(separator: ", "))") {
            $0.status != "pending" ? $0.status : nil
        }
        guard order.status == "ready" || order.status == "valid" else {
            throw orderFailure(order, names)
        }
        if order.status == "ready" {
            struct Finalize: Encodable { var csr: String }
            let finalized = try await post(order.finalize, payload: Finalize(csr: Base64URL.encode(csr)),
                                           what: "finalizing the order for \(names.joined(separator: ", "))")
            order = try decode(finalized, from: order.finalize)
            order = try await poll(orderURL, as: ACMEOrder.self, until: start + deadline,
                                   what: "the certificate for \(names.joined(separator: ", "))", first: order) {
                $0.status == "processing" || $0.status == "ready" ? nil : $0.status
            }
        }
        guard order.status == "valid", let certificateURL = order.certificate else { throw orderFailure(order, names) }
        let chain = try await post(certificateURL, payload: nil, what: "downloading the certificate",
                                   accept: "application/pem-certificate-chain")
        let pem = String(decoding: chain.body, as: UTF8.self)
        guard pem.contains("-----BEGIN CERTIFICATE-----") else {
            throw ACMEError(.acmeBadReply, "\(certificateURL) did not answer a PEM certificate chain")
        }
        return pem
    }

    private func orderFailure(_ order: ACMEOrder, _ names: [String]) -> ACMEError {
        let problem = order.error
        return ACMEError(.acmeProblem, "the order for \(names.joined(separator: ", ")) ended \(order.status)"
                         + (problem.map { ": \($0)" } ?? ""), problem: problem)
    }

    /// One authorization: nothing to do when already valid; else its challenge of the kind
    /// the responder prefers, published, announced, checked by the CA, withdrawn.
    private func authorize(_ url: String, responder: any ChallengeResponder, until: ContinuousClock.Instant) async throws {
        let authorization: ACMEAuthorization = try decode(try await post(url, payload: nil, what: "reading an authorization"), from: url)
        let name = authorization.identifier.value
        if authorization.status == "valid" { return }
        guard authorization.status == "pending" else {
            throw ACMEError(.acmeChallengeFailed, "the authorization for \(name) is \(authorization.status): order again later")
        }
        guard let (kind, challenge) = responder.kinds.lazy.compactMap({ kind in
            authorization.challenges.first { $0.type == kind.rawValue }.map { (kind, $0) }
        }).first, let token = challenge.token, Self.isToken(token) else {
            let offered = authorization.challenges.map(\.type).joined(separator: ", ")
            throw ACMEError(.acmeBadReply, "the CA offers \(offered.isEmpty ? "no challenge" : offered) for \(name), none of which mailconf answers (\(responder.kinds.map(\.rawValue).joined(separator: ", ")))")
        }
        let pending = PendingChallenge(kind: kind, name: name, token: token, keyAuthorization: key.keyAuthorization(token: token))
        try responder.publish(pending)
        defer { responder.withdraw(pending) }
        struct Empty: Encodable {}
        _ = try await post(challenge.url, payload: Empty(), what: "answering the \(kind) challenge for \(name)")
        let done = try await poll(url, as: ACMEAuthorization.self, until: until, what: "the \(kind) challenge for \(name)") {
            $0.status == "pending" ? nil : $0.status
        }
        guard done.status == "valid" else {
            let problem = done.challenges.first { $0.type == kind.rawValue }?.error
            let how = kind == .http01
                ? "http://\(name)/.well-known/acme-challenge/ must reach this server's --http-port (port 80 from the internet)"
                : "\(name):443 must reach this server's https listener"
            throw ACMEError(.acmeChallengeFailed, "the CA could not validate \(name) by \(kind)"
                            + (problem.map { ": \($0)" } ?? " (it gave no reason)") + ". \(how)", problem: problem)
        }
    }

    /// A token is base64url (RFC 8555 §8.3): it goes into a URL path and a file name.
    static func isToken(_ token: String) -> Bool {
        !token.isEmpty && token.utf8.count <= 256 && token.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
        }
    }

    /// POST-as-GET until `settled` gives a status, waiting as the CA's Retry-After says
    /// (between 0.2 and 5 s), at most until the deadline.
    private func poll<Resource: Decodable>(_ url: String, as type: Resource.Type, until: ContinuousClock.Instant,
                                           what: String, first: Resource? = nil,
                                           settled: (Resource) -> String?) async throws -> Resource {
        var current = first
        var wait = 0.2
        while true {
            if let current, settled(current) != nil { return current }
            if ContinuousClock.now > until {
                throw ACMEError(.acmeTimedOut, "\(what) did not finish in time at \(url): the CA may be slow, it is tried again later")
            }
            if current != nil { try await Task.sleep(for: .seconds(wait)) }
            let reply = try await post(url, payload: nil, what: "reading \(what)")
            current = try decode(reply, from: url)
            let hinted = reply.header("Retry-After").flatMap(Double.init)
            wait = min(max(hinted ?? wait * 1.5, 0.2), 5)
        }
    }

    // MARK: Requests

    private func loadDirectory() async throws -> ACMEDirectory {
        if let directory { return directory }
        let reply = try await send { try await self.fetch.get(self.directoryURL, accept: "application/json") }
        guard reply.status == 200 else {
            throw ACMEError(.acmeBadReply, "\(directoryURL) answered HTTP \(reply.status), not an ACME directory: check --acme-directory")
        }
        let dir: ACMEDirectory = try decode(reply, from: directoryURL)
        directory = dir
        return dir
    }

    private func freshNonce() async throws -> String {
        if let nonce { self.nonce = nil; return nonce }
        let dir = try await loadDirectory()
        let reply = try await send { try await self.fetch.get(dir.newNonce, accept: "*/*") }
        guard let nonce = reply.header("Replay-Nonce"), !nonce.isEmpty else {
            throw ACMEError(.acmeBadReply, "\(dir.newNonce) gave no Replay-Nonce")
        }
        return nonce
    }

    /// A signed POST (nil payload: POST-as-GET). A `badNonce` is retried with the nonce
    /// it came with, up to five times; any other problem is thrown.
    private func post(_ url: String, payload: (any Encodable)?, what: String,
                      accept: String = "application/json") async throws -> HTTPFetch.Response {
        let body = try payload.map { try JSONEncoder.acme.encode($0) }
        var attempt = 0
        while true {
            attempt += 1
            let jws = try key.sign(payload: body, url: url, nonce: try await freshNonce(), accountURL: accountURL)
            let reply = try await send { try await self.fetch.post(url, body: Array(jws), contentType: "application/jose+json", accept: accept) }
            if let next = reply.header("Replay-Nonce"), !next.isEmpty { nonce = next }
            if reply.status < 400 { return reply }
            let problem = try? JSONDecoder().decode(ACMEProblem.self, from: Data(reply.body))
            if problem?.isBadNonce == true && attempt < 5 { continue }
            throw failure(reply, problem, url: url, what: what)
        }
    }

    private func failure(_ reply: HTTPFetch.Response, _ problem: ACMEProblem?, url: String, what: String) -> ACMEError {
        guard let problem else {
            return ACMEError(.acmeBadReply, "\(what): \(url) answered HTTP \(reply.status) without a problem document")
        }
        if problem.isRateLimited {
            let retry = reply.header("Retry-After").flatMap { Self.retryAfter($0) }
            return ACMEError(.acmeRateLimited, "\(what): the CA's rate limit: \(problem)"
                             + (retry.map { "; it may be asked again after \($0.formatted(.iso8601))" } ?? ""),
                             problem: problem, retryAfter: retry)
        }
        return ACMEError(.acmeProblem, "\(what): \(problem)", problem: problem)
    }

    /// Retry-After: seconds, or an HTTP date.
    static func retryAfter(_ value: String, now: Date = Date()) -> Date? {
        if let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return now + TimeInterval(seconds) }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return format.date(from: value)
    }

    private func send(_ request: () async throws -> HTTPFetch.Response) async throws -> HTTPFetch.Response {
        do { return try await request() } catch let failure as HTTPFetch.Failure {
            throw ACMEError(.acmeUnreachable, "cannot reach the ACME server: \(failure.message): check --acme-directory and --acme-ca-file")
        }
    }

    private func decode<Resource: Decodable>(_ reply: HTTPFetch.Response, from url: String) throws -> Resource {
        do { return try JSONDecoder().decode(Resource.self, from: Data(reply.body)) } catch {
            throw ACMEError(.acmeBadReply, "\(url) answered JSON that is not an RFC 8555 \(Resource.self): \(error)")
        }
    }
}
