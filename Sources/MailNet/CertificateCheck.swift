import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import X509

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
    private let state = NIOLockedValueBox<(chain: [CertificateInfo], verdict: Verdict?)>(([], nil))

    public init(roots: CertificateStore, hostname: String?, ip: String?) {
        self.roots = roots
        self.hostname = hostname
        self.ip = ip
    }

    public var chain: [CertificateInfo] { state.withLockedValue { $0.chain } }
    /// The name the certificate had to carry.
    public var expectedName: String? { hostname ?? ip }
    public var verdict: Verdict? { state.withLockedValue { $0.verdict } }

    /// The roots to trust: the system's bundle, or the certificates of one PEM file.
    public static func roots(for trust: TrustPolicy) throws(TLSFailure) -> CertificateStore {
        switch trust {
        case .system, .noVerification:
            return CertificateStore.systemTrustRoots
        case .caFile(let path):
            // Read and parsed once per file and modification time, not once per connection.
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
            if let modified, let cached = caFiles.withLockedValue({ $0[path] }), cached.modified == modified {
                return cached.roots
            }
            let roots = try readCAFile(path)
            if let modified { caFiles.withLockedValue { $0[path] = (modified, roots) } }
            return roots
        }
    }

    private static let caFiles = NIOLockedValueBox<[String: (modified: Date, roots: CertificateStore)]>([:])

    private static func readCAFile(_ path: String) throws(TLSFailure) -> CertificateStore {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .handshakeFailed("cannot read the CA file: \(error)")
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
        let infos = presented.compactMap { (try? $0.toDERBytes()).flatMap(CertificateInfo.init(der:)) }
        state.withLockedValue { $0.chain = infos }
        guard let leaf = certificates.first else {
            state.withLockedValue { $0.verdict = .untrusted("the server presented no certificate") }
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
            let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(Array(certificates.dropFirst())))
            let verdict: Verdict
            switch result {
            case .validCertificate:
                verdict = .trusted
            case .couldNotValidate(let failures):
                verdict = Self.classify(leaf: leaf, hostname: hostname, ip: ip, at: now,
                                        reasons: failures.map { "\($0.policyFailureReason)" })
            }
            state.withLockedValue { $0.verdict = verdict }
            promise.succeed(verdict == .trusted ? .certificateVerified : .failed)
        }
    }

    /// Names the first thing a person must fix: the date, then the name, then the issuer.
    static func classify(leaf: Certificate, hostname: String?, ip: String?, at now: Date, reasons: [String]) -> Verdict {
        if now > leaf.notValidAfter { return .expired(leaf.notValidAfter) }
        if now < leaf.notValidBefore { return .notYetValid(leaf.notValidBefore) }
        let info = CertificateInfo(leaf)
        let dns = info.dnsNames.map { $0.lowercased() }
        let ips = info.ipAddresses
        let matches: Bool
        if let ip, hostname == nil {
            matches = ips.contains(ip)
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
        if !matches { return .nameMismatch }
        return .untrusted(reasons.first.map { String($0.prefix(300)) } ?? "no path to a trusted root")
    }
}
