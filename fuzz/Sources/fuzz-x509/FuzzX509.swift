import Foundation
import FuzzSupport
@testable import MailNet
import X509

/// A certificate as a server presents it (DER), or as a CA file holds it (PEM when the
/// input starts so). What parses becomes the report `verify` prints and encodes as JSON,
/// and is judged against host names and an IP address the way a failed check is.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let certificate: Certificate?
    if bytes.starts(with: Array("-----BEGIN".utf8)) {
        certificate = try? Certificate(pemEncoded: String(decoding: bytes, as: UTF8.self))
    } else {
        certificate = try? Certificate(derEncoded: bytes)
    }
    guard let certificate else { return 0 }
    let info = CertificateInfo(certificate)
    _ = info.validity(at: Date(timeIntervalSince1970: 1_800_000_000))
    _ = try? JSONEncoder().encode(info)
    for name in info.dnsNames.prefix(4) + ["mail.example.org", "example.org"] {
        _ = CertificateCheck.nameMatches(leaf: certificate, hostname: name, ip: nil)
        _ = CertificateCheck.nameMatches(leaf: certificate, hostname: "x." + name, ip: nil)
    }
    for ip in info.ipAddresses.prefix(2) + ["127.0.0.1", "::1"] {
        _ = CertificateCheck.nameMatches(leaf: certificate, hostname: nil, ip: ip)
    }
    let verdicts = CertificateCheck.classify(leaf: certificate, hostname: "mail.example.org", ip: nil, at: Date(),
                                             chainReason: nil, reasons: [])
    require(!verdicts.isEmpty)
    return 0
}

@_cdecl("fuzz_x509_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
