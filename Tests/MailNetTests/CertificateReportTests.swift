import Crypto
import Foundation
@testable import MailNet
import SwiftASN1
import Testing
import X509

/// The certificate report (`CertificateInfo`) and host name matching, over certificates
/// made here with whatever subjectAltName a hostile server might present.
struct CertificateReportTests {
    func certificate(ipNames: [[UInt8]], dnsNames: [String] = ["mail.example.test"]) throws -> [UInt8] {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("mail.example.test") }
        let names = dnsNames.map { GeneralName.dnsName($0) } + ipNames.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: Date(timeIntervalSinceNow: -60), notValidAfter: Date(timeIntervalSinceNow: 3600),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { SubjectAlternativeNames(names) },
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// An iPAddress name must be 4 or 16 octets. One of 3 or 5 was read two octets at a
    /// time past its end (a crash in `verify`, from the server's certificate); one of 8
    /// was shown as an IPv6 address. Now they name no address and match nothing.
    @Test(arguments: [[127, 0, 0], [127, 0, 0, 1, 9], [127, 0, 0, 1, 255, 255, 255, 0]] as [[UInt8]])
    func anIPAddressNameOfAnotherLengthNamesNoAddress(octets: [UInt8]) throws {
        let der = try certificate(ipNames: [octets, [192, 0, 2, 7]])
        let info = try #require(CertificateInfo(der: der))
        #expect(info.ipAddresses == ["192.0.2.7"])
        #expect(info.dnsNames == ["mail.example.test"])
        let leaf = try Certificate(derEncoded: der)
        #expect(!CertificateCheck.nameMatches(leaf: leaf, hostname: nil, ip: "127.0.0.1"))
        #expect(CertificateCheck.nameMatches(leaf: leaf, hostname: nil, ip: "192.0.2.7"))
    }

    /// IPv6 names are shown as addresses are written (RFC 5952), and a connected address
    /// matches however it is spelt.
    @Test func anIPv6NameIsShownAndMatchedInItsUsualForm() throws {
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        let documentation: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [0x25]
        let der = try certificate(ipNames: [loopback, documentation])
        let info = try #require(CertificateInfo(der: der))
        #expect(info.ipAddresses == ["::1", "2001:db8::25"])
        let leaf = try Certificate(derEncoded: der)
        for spelling in ["::1", "0:0:0:0:0:0:0:1", "2001:DB8:0::25"] {
            #expect(CertificateCheck.nameMatches(leaf: leaf, hostname: nil, ip: spelling), "\(spelling)")
        }
        #expect(!CertificateCheck.nameMatches(leaf: leaf, hostname: nil, ip: "::2"))
    }
}
