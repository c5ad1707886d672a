import Crypto
import Foundation
import SwiftASN1
import X509

/// The self-signed certificate a TLS-ALPN-01 challenge is answered with (RFC 8737 §3):
/// the name being validated as its only subjectAltName, and the critical
/// id-pe-acmeIdentifier extension holding the SHA-256 of the key authorization.
public struct ALPNChallengeCertificate: Sendable {
    public let certificateDER: [UInt8]
    public let keyPEM: String

    /// id-pe-acmeIdentifier, 1.3.6.1.5.5.7.1.31.
    static let acmeIdentifier: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 31]

    public init(for challenge: PendingChallenge, now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let digest = Array(SHA256.hash(data: Data(challenge.keyAuthorization.utf8)))
        // extnValue holds the DER of `Authorization ::= OCTET STRING (SIZE (32))`.
        var inner = DER.Serializer()
        try inner.serialize(ASN1OctetString(contentBytes: digest[...]))
        let name = try DistinguishedName { CommonName(challenge.name) }
        let extensions = try Certificate.Extensions {
            SubjectAlternativeNames([.dnsName(challenge.name)])
            Certificate.Extension(oid: Self.acmeIdentifier, critical: true, value: inner.serializedBytes[...])
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 7 * 86_400, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        certificateDER = serializer.serializedBytes
        keyPEM = key.pemRepresentation
    }
}
