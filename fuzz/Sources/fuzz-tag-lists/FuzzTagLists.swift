@testable import Deliverability
import Foundation
import FuzzSupport

/// TXT record text as DNS hands it over, read by each reader that takes tag lists
/// (RFC 6376 section 3.2): the DMARC record, the DKIM key (its RSA length from the
/// base64 key, and from the bytes taken as DER directly, so the DER reader is reached
/// without base64), the `_mta-sts` record; and the same bytes as an MTA-STS policy file,
/// whose mx patterns are matched against host names the input also gives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)

    let list = TagValueList(text)
    require(list.tags.allSatisfy { !$0.text.isEmpty && ($0.value == nil || $0.text.contains("=")) }, "an empty or unsplit tag")

    let dmarc = DMARCRecord.parse(text)
    require(dmarc.percent.map { (0...100).contains($0) } ?? true, "pct \(String(describing: dmarc.percent))")
    require(dmarc.policy.map { ["none", "quarantine", "reject"].contains($0) } ?? true)

    let key = DKIMKey(text)
    if let bits = key.rsaBits { require(bits > 0 && bits <= 8 * bytes.count, "\(bits) bits from \(bytes.count) bytes") }
    var der = DKIMKey.DER(bytes: bytes)
    if let bits = der.rsaModulusBits() { require(bits > 0 && bits <= 8 * bytes.count, "\(bits) bits from DER of \(bytes.count) bytes") }

    _ = MTASTSRule.announcesPolicy(text)
    if case .success(let policy) = MTASTSPolicyFile.Policy.parse(text) {
        require((0...31_557_600).contains(policy.maxAge) && ["enforce", "testing", "none"].contains(policy.mode))
        for pattern in policy.mx {
            for host in ["mx1.example.org", pattern, "a." + pattern, String(pattern.dropFirst(2))] {
                _ = MTASTSPolicyFile.matches(host, pattern)
            }
        }
    }
    return 0
}

@_cdecl("fuzz_tag_lists_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
