import FuzzSupport
import MailFormats

/// One clientConfig document per input, read as `mailconf import` reads files; then,
/// when it reads, written as 1.1 and 1.2 and read back (the writer must take whatever
/// the reader accepts).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let read = try? ClientConfig.read(bytes, source: "fuzz", fallbackID: "fuzz") else { return 0 }
    for version in ClientConfig.Version.allCases {
        guard let xml = try? ClientConfig.write(read.provider, version: version) else { continue }
        _ = try? ClientConfig.read(Array(xml.utf8), source: "fuzz (written)", fallbackID: "fuzz")
    }
    return 0
}

@_cdecl("fuzz_clientconfig_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
