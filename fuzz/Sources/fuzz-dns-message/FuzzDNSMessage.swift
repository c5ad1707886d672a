@testable import DNSClient
import FuzzSupport

/// One DNS message as it arrives over UDP or TCP (without TCP's length prefix). Whatever
/// parses must keep DNS's own bounds (names of at most 255 octets, labels of at most 63),
/// and every name read must go back into a query the way discovery would ask for it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let response = try? DNSWire.parse(bytes) else { return 0 }
    for answer in response.answers {
        var names = [answer.name]
        switch answer.data {
        case .mx(let mx): names.append(mx.exchange)
        case .srv(let srv): names.append(srv.target)
        case .cname(let target): names.append(target)
        case .txt(let text): require(text.utf8.count <= 3 * bytes.count, "a TXT string larger than its message can hold")
        case .address(let address): require(DNSResolver.isIPAddress(address), "'\(address)' read as an address")
        case .other: break
        }
        for name in names {
            require(name.utf8.count <= 3 * 255, "a name of \(name.utf8.count) bytes")
            require(name.split(separator: ".").allSatisfy { $0.utf8.count <= 3 * 63 }, "a label over 63 octets in \(name)")
            _ = try? DNSWire.query(id: response.id, name: name, type: .mx)
        }
    }
    return 0
}

@_cdecl("fuzz_dns_message_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
