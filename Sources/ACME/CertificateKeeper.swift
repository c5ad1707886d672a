import Foundation
import Logging
import Synchronization

/// Keeps a certificate for every domain it is given: read back from the store at
/// start, ordered when missing, renewed at two-thirds of its lifetime, retried with
/// backoff after a failure (the CA's Retry-After when it is a rate limit). A domain
/// added while running is seen at the next pass (every `tick`). Each certificate
/// obtained is stored, then handed to `install`; a failure leaves the one in use as it
/// is.
///
/// One certificate per domain, not one for all: a domain added or removed reissues
/// nothing else, one domain's failed challenge blocks no other, no certificate
/// approaches the CA's names-per-certificate limit, and a hoster's certificates do not
/// list its other customers.
public final class CertificateKeeper: Sendable {
    public struct Configuration: Sendable {
        /// `mailto:` contacts for the account.
        public var contact: [String]
        /// Renew this long after obtaining, if sooner than two-thirds of the lifetime.
        public var renewAfter: TimeInterval?
        /// How often domains and due dates are looked at.
        public var tick: Duration = .seconds(10)
        /// The first wait after a failure; it doubles up to `maxBackoff`.
        public var backoff: TimeInterval = 60
        public var maxBackoff: TimeInterval = 6 * 3600
        /// The whole of one order.
        public var orderDeadline: Duration = .seconds(120)

        public init(contact: [String], renewAfter: TimeInterval? = nil) {
            self.contact = contact
            self.renewAfter = renewAfter
        }
    }

    /// What the keeper knows of one domain, for logs and status.
    public struct DomainState: Sendable {
        public var certificate: IssuedCertificate?
        public var failures = 0
        public var nextAttempt: Date?
        public var lastError: ACMEError?
    }

    let client: ACMEClient
    let store: CertificateStore
    let responder: any ChallengeResponder
    let configuration: Configuration
    let domains: @Sendable () -> [String]
    let names: @Sendable (String) -> [String]
    let install: @Sendable (String, IssuedCertificate) -> Void
    let logger: Logger
    private let state = Mutex<[String: DomainState]>([:])

    public init(client: ACMEClient, store: CertificateStore, responder: any ChallengeResponder, configuration: Configuration,
                domains: @escaping @Sendable () -> [String], names: @escaping @Sendable (String) -> [String],
                install: @escaping @Sendable (String, IssuedCertificate) -> Void, logger: Logger) {
        self.client = client
        self.store = store
        self.responder = responder
        self.configuration = configuration
        self.domains = domains
        self.names = names
        self.install = install
        self.logger = logger
    }

    /// Where the account and the certificates are stored.
    public var storeFolder: String { store.folder }

    public func state(of domain: String) -> DomainState? { state.withLock { $0[domain] } }

    /// Installs what the store already holds for the current domains (before serving).
    public func loadStored() {
        for domain in domains() {
            do {
                guard let stored = try store.certificate(for: domain) else { continue }
                guard stored.covers(names(domain)) else {
                    logger.notice("the stored certificate for \(domain) does not cover \(names(domain).joined(separator: ", ")): ordering a new one")
                    continue
                }
                state.withLock { $0[domain, default: DomainState()].certificate = stored }
                install(domain, stored)
                logger.info("certificate for \(stored.names.joined(separator: ", ")) loaded from \(store.folder), valid until \(stored.notAfter.formatted(.iso8601)), renewed from \(stored.renewal(renewAfter: configuration.renewAfter).formatted(.iso8601))")
            } catch {
                logger.error("\(error)")
            }
        }
    }

    /// Passes until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await pass()
            try? await Task.sleep(for: configuration.tick)
        }
    }

    /// One look at every domain: orders what is missing or due, unless backing off.
    public func pass(now: Date = Date()) async {
        for domain in domains() {
            if Task.isCancelled { return }
            let current = state.withLock { $0[domain] } ?? DomainState()
            if let next = current.nextAttempt, next > now { continue }
            if let cert = current.certificate, cert.covers(names(domain)),
               cert.renewal(renewAfter: configuration.renewAfter) > now { continue }
            await obtain(domain, renewing: current.certificate)
        }
    }

    private func obtain(_ domain: String, renewing old: IssuedCertificate?) async {
        let wanted = names(domain)
        let what = old == nil ? "obtaining" : "renewing"
        do {
            if await client.accountURL == nil {
                let url = try await client.register(contact: configuration.contact)
                try store.saveAccountURL(url)
                logger.info("ACME account \(url) at \(client.directoryURL)")
            }
            let request = try CertificateRequest(names: wanted)
            let chain = try await client.issue(names: wanted, csr: request.der, responder: responder,
                                               deadline: configuration.orderDeadline)
            let issued = try IssuedCertificate(chainPEM: chain, keyPEM: request.key.pemRepresentation, source: client.directoryURL)
            try store.save(issued, for: domain)
            state.withLock { $0[domain] = DomainState(certificate: issued) }
            install(domain, issued)
            logger.info("certificate for \(wanted.joined(separator: ", ")) \(old == nil ? "obtained" : "renewed") (serial \(issued.serial)), valid until \(issued.notAfter.formatted(.iso8601)), renewed from \(issued.renewal(renewAfter: configuration.renewAfter).formatted(.iso8601))")
        } catch {
            let failure = error as? ACMEError ?? ACMEError(.acmeBadReply, "\(error)")
            let (failures, next) = state.withLock { all -> (Int, Date) in
                var entry = all[domain] ?? DomainState()
                entry.failures += 1
                let wait = min(configuration.backoff * pow(2, Double(entry.failures - 1)), configuration.maxBackoff)
                entry.nextAttempt = max(Date() + wait, failure.retryAfter ?? .distantPast)
                entry.lastError = failure
                all[domain] = entry
                return (entry.failures, entry.nextAttempt!)
            }
            let keeping = old.map { "; still serving the certificate valid until \($0.notAfter.formatted(.iso8601))" } ?? ""
            logger.error("\(what) the certificate for \(wanted.joined(separator: ", ")) failed (\(failure.kind), attempt \(failures)): \(failure.description)\(keeping); next attempt at \(next.formatted(.iso8601))")
        }
    }
}
