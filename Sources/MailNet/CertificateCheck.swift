import Failures
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
@_spi(DisableValidityCheck) import X509

/// Verifies the server's certificate with swift-certificates (RFC 5280 path building
/// and validity, RFC 6125 server identity) instead of BoringSSL's built-in check, so
/// a failure can be named precisely and the presented chain reported.
public final class CertificateCheck: Sendable {
    public enum Verdict: Sendable, Equatable {
        case trusted
        case expired(Date)
        case notYetValid(Date)
        case nameMismatch
        case untrusted(String)
    }

    private let roots: CertificateStore
    private let hostname: String?
    private let ip: String?
    /// The presented chain as parsed for the verifier; its facts for the report are made
    /// when asked (after the check), not while the handshake waits on this callback.
    private let state = NIOLockedValueBox<(chain: [Certificate], problems: [Verdict]?)>(([], nil))

    public init(roots: CertificateStore, hostname: String?, ip: String?) {
        self.roots = roots
        self.hostname = hostname
        self.ip = ip
    }

    public var chain: [CertificateInfo] { state.withLockedValue { $0.chain }.map(CertificateInfo.init) }
    /// The name the certificate had to carry.
    public var expectedName: String? { hostname ?? ip }
    /// The first problem a person must fix (nil before the check, `.trusted` when none).
    public var verdict: Verdict? { state.withLockedValue { $0.problems.map { $0.first ?? .trusted } } }
    /// Every problem found, in the order TLS libraries check: the chain, then the
    /// validity, then the name. Fixing the first reveals nothing not already said here.
    public var problems: [Verdict] { state.withLockedValue { $0.problems ?? [] } }

    /// The roots to trust: the system's bundle, or the certificates of one PEM file.
    public static func roots(for trust: TrustPolicy) throws(TLSFailure) -> CertificateStore {
        switch trust {
        case .system, .noVerification:
            return CertificateStore.systemTrustRoots
        case .caFile(let path):
            // Read and parsed once per file and modification time, not once per connection.
            // stat(2), not FileManager's attributes: those look up the owner's and group's
            // names (/etc/passwd, /etc/group) on every connection.
            let modified = modificationTime(path)
            if let modified, let cached = caFiles.withLockedValue({ $0[path] }),
               cached.modified.tv_sec == modified.tv_sec, cached.modified.tv_nsec == modified.tv_nsec {
                return cached.roots
            }
            let roots = try readCAFile(path)
            if let modified { caFiles.withLockedValue { $0[path] = (modified, roots) } }
            return roots
        }
    }

    private static let caFiles = NIOLockedValueBox<[String: (modified: timespec, roots: CertificateStore)]>([:])

    private static func modificationTime(_ path: String) -> timespec? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mtim : nil
    }

    private static func readCAFile(_ path: String) throws(TLSFailure) -> CertificateStore {
        let text: String
        // Bounded: a bundle of every public CA is about 200 KB.
        do { text = String(decoding: try BoundedFile.read(path, limit: 16 << 20), as: UTF8.self) } catch {
            throw .handshakeFailed("cannot read the CA file: \(path) \(error)")
        }
        var certs: [Certificate] = []
        let end = "-----END CERTIFICATE-----"
        var rest = Substring(text)
        while let begin = rest.range(of: "-----BEGIN CERTIFICATE-----"), let stop = rest.range(of: end, range: begin.upperBound..<rest.endIndex) {
            do { certs.append(try Certificate(pemEncoded: String(rest[begin.lowerBound..<stop.upperBound]))) } catch {
                throw .handshakeFailed("cannot read the CA file: \(error)")
            }
            rest = rest[stop.upperBound...]
        }
        guard !certs.isEmpty else {
            throw .handshakeFailed("no certificate found in the CA file \(path); give a PEM file")
        }
        return CertificateStore(certs)
    }

    /// The NIOSSL callback: runs on the event loop, verifies off it, completes the promise.
    public func callback(_ presented: [NIOSSLCertificate], _ promise: EventLoopPromise<NIOSSLVerificationResult>) {
        let certificates = presented.compactMap { (try? $0.toDERBytes()).flatMap { try? Certificate(derEncoded: $0) } }
        state.withLockedValue { $0.chain = certificates }
        guard let leaf = certificates.first else {
            state.withLockedValue { $0.problems = [.untrusted("the server presented no certificate")] }
            promise.succeed(.failed)
            return
        }
        let roots = self.roots, hostname = self.hostname, ip = self.ip
        Task {
            let now = Date()
            var verifier = Verifier(rootCertificates: roots) {
                RFC5280Policy()
                ServerIdentityPolicy(serverHostname: hostname, serverIP: ip)
            }
            let intermediates = CertificateStore(Array(certificates.dropFirst()))
            let result = await verifier.validate(leaf: leaf, intermediates: intermediates)
            var problems: [Verdict] = []
            if case .couldNotValidate(let failures) = result {
                // The chain alone (constraints, no dates, no name), to tell an untrusted
                // issuer from the leaf's own dates and name.
                var chainOnly = Verifier(rootCertificates: roots) { RFC5280Policy.withValidityCheckDisabled() }
                var chainReason: String?
                if case .couldNotValidate(let chainFailures) = await chainOnly.validate(leaf: leaf, intermediates: intermediates) {
                    chainReason = chainFailures.first.map { String("\($0.policyFailureReason)".prefix(300)) } ?? "no path to a trusted root"
                }
                problems = Self.classify(leaf: leaf, hostname: hostname, ip: ip, at: now, chainReason: chainReason,
                                         reasons: failures.map { "\($0.policyFailureReason)" })
            }
            state.withLockedValue { $0.problems = problems }
            promise.succeed(problems.isEmpty ? .certificateVerified : .failed)
        }
    }

    /// Every problem of a certificate that failed, in the order TLS libraries check: an
    /// untrusted chain (`chainReason`), the leaf's dates, its name. When none of those is
    /// it, the verifier's own first reason (an intermediate's dates, a constraint).
    static func classify(leaf: Certificate, hostname: String?, ip: String?, at now: Date, chainReason: String?,
                         reasons: [String]) -> [Verdict] {
        var problems: [Verdict] = []
        if let chainReason { problems.append(.untrusted(chainReason)) }
        if now > leaf.notValidAfter { problems.append(.expired(leaf.notValidAfter)) }
        if now < leaf.notValidBefore { problems.append(.notYetValid(leaf.notValidBefore)) }
        if !Self.nameMatches(leaf: leaf, hostname: hostname, ip: ip) { problems.append(.nameMismatch) }
        if problems.isEmpty { problems.append(.untrusted(reasons.first.map { String($0.prefix(300)) } ?? "no path to a trusted root")) }
        return problems
    }

    /// RFC 6125: the host name among the DNS names (a wildcard covers one leftmost label),
    /// or the IP address among the IP addresses.
    static func nameMatches(leaf: Certificate, hostname: String?, ip: String?) -> Bool {
        let info = CertificateInfo(leaf)
        let dns = info.dnsNames.map { $0.lowercased() }
        let ips = info.ipAddresses
        let matches: Bool
        if let ip, hostname == nil {
            matches = ips.contains(CertificateInfo.canonicalIP(ip))
        } else if let host = hostname?.lowercased() {
            matches = dns.contains { pattern in
                if pattern == host { return true }
                guard pattern.hasPrefix("*.") else { return false }
                let suffix = pattern.dropFirst(1)
                return host.hasSuffix(suffix) && !host.dropLast(suffix.count).contains(".") && host.count > suffix.count
            }
        } else {
            matches = true
        }
        return matches
    }
}
