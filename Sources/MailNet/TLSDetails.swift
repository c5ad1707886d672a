import Foundation
import NIOCore
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
                case .ipAddress(let bytes): if let ip = Self.ip(Array(bytes.bytes)) { ips.append(ip) }
                default: break
                }
            }
        }
        dnsNames = dns
        ipAddresses = ips
    }

    /// An iPAddress name (RFC 5280 section 4.2.1.6): 4 octets for IPv4, 16 for IPv6, as
    /// text in the usual form (RFC 5952: `::1`). Any other length names no address (the
    /// certificate is malformed) and gives nil: it matches nothing.
    static func ip(_ b: [UInt8]) -> String? {
        guard b.count == 4 || b.count == 16 else { return nil }
        return try? SocketAddress(packedIPAddress: ByteBuffer(bytes: b), port: 0).ipAddress
    }

    /// An address as text in that same form, however it was written (`0:0::1` is `::1`),
    /// so that a connected address and a certificate's compare equal.
    static func canonicalIP(_ text: String) -> String {
        ((try? SocketAddress(ipAddress: text, port: 0))?.ipAddress) ?? text
    }

    /// Expired or not yet valid at `date`.
    public func validity(at date: Date = Date()) -> Validity {
        if date < notValidBefore { return .notYetValid }
        if date > notValidAfter { return .expired }
        return .current
    }

    public enum Validity: String, Sendable { case current, expired, notYetValid = "not-yet-valid" }
}
