import Foundation
import NIOSSL
import X509

/// What the TLS layer reports about an encrypted connection.
public struct TLSDetails: Sendable, Equatable, Codable {
    /// `TLS 1.3`, `TLS 1.2`, …
    public var version: String?
    /// False when verification was switched off at the caller's request.
    public var verified: Bool
    /// The server's own (leaf) certificate.
    public var certificate: CertificateInfo?
    /// Every certificate the server presented, leaf first (empty when not verified).
    public var chain: [CertificateInfo] = []

    public init(version: String?, verified: Bool, certificate: CertificateInfo?, chain: [CertificateInfo] = []) {
        self.version = version
        self.verified = verified
        self.certificate = certificate
        self.chain = chain
    }

    public static func name(_ v: TLSVersion) -> String {
        switch v {
        case .tlsv1: return "TLS 1.0"
        case .tlsv11: return "TLS 1.1"
        case .tlsv12: return "TLS 1.2"
        case .tlsv13: return "TLS 1.3"
        }
    }
}

/// The facts of a certificate a person checks: who it names, who issued it, when it is valid.
public struct CertificateInfo: Sendable, Equatable, Codable {
    public var subject: String
    public var issuer: String
    public var dnsNames: [String]
    public var ipAddresses: [String]
    public var notValidBefore: Date
    public var notValidAfter: Date
    public var serialNumber: String

    public init?(der: [UInt8]) {
        guard let cert = try? Certificate(derEncoded: der) else { return nil }
        self.init(cert)
    }

    public init(_ cert: Certificate) {
        subject = cert.subject.description
        issuer = cert.issuer.description
        notValidBefore = cert.notValidBefore
        notValidAfter = cert.notValidAfter
        serialNumber = cert.serialNumber.description
        var dns: [String] = []
        var ips: [String] = []
        if let names = try? cert.extensions.subjectAlternativeNames {
            for name in names {
                switch name {
                case .dnsName(let d): dns.append(d)
                case .ipAddress(let bytes): ips.append(Self.ip(Array(bytes.bytes)))
                default: break
                }
            }
        }
        dnsNames = dns
        ipAddresses = ips
    }

    static func ip(_ b: [UInt8]) -> String {
        if b.count == 4 { return b.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: b.count, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Expired or not yet valid at `date`.
    public func validity(at date: Date = Date()) -> Validity {
        if date < notValidBefore { return .notYetValid }
        if date > notValidAfter { return .expired }
        return .current
    }

    public enum Validity: String, Sendable { case current, expired, notYetValid = "not-yet-valid" }
}
