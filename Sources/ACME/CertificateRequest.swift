import Crypto
import Foundation
import SwiftASN1
import X509

/// The key and the CSR (PKCS#10, RFC 2986) for one certificate: a fresh P-256 key, the
/// names as subjectAltName DNS names (the first also as the common name).
public struct CertificateRequest: Sendable {
    public let names: [String]
    public let key: P256.Signing.PrivateKey
    public let der: [UInt8]

    public init(names: [String], key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) throws {
        precondition(!names.isEmpty)
        self.names = names
        self.key = key
        let extensions = try Certificate.Extensions { SubjectAlternativeNames(names.map { .dnsName($0) }) }
        let csr = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(names[0]) },
            privateKey: Certificate.PrivateKey(key),
            attributes: try CertificateSigningRequest.Attributes([.init(ExtensionRequest(extensions: extensions))]),
            signatureAlgorithm: .ecdsaWithSHA256)
        var serializer = DER.Serializer()
        try serializer.serialize(csr)
        der = serializer.serializedBytes
    }
}
