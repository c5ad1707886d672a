import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// What each target hands libFuzzer: one input, its bytes borrowed for the call.
public typealias FuzzOne = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: FuzzOne) -> Int32

/// SwiftPM names an executable's entry point `<module>_main`, so libFuzzer's own `main`
/// is never called: each target's entry point hands its arguments and its one-input
/// function to libFuzzer's driver here.
public func runFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ one: FuzzOne) -> Int32 {
    var count = argc
    var vector = argv
    return llvmFuzzerRunDriver(&count, &vector, one)
}

/// An input read front to back: a few leading bytes choose how the rest is fed (chunk
/// sizes, response forms), and NUL bytes cut it into the pieces a target needs (a URL,
/// a Host header, a body), so that every piece stays mutable by the fuzzer.
public struct FuzzInput {
    public private(set) var bytes: ArraySlice<UInt8>

    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = ArraySlice(UnsafeBufferPointer(start: data, count: size))
    }

    public init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    /// The next byte, or 0 when none is left.
    public mutating func byte() -> UInt8 {
        guard let b = bytes.first else { return 0 }
        bytes = bytes.dropFirst()
        return b
    }

    /// Up to the next NUL (dropped), or everything left.
    public mutating func piece() -> [UInt8] {
        if let nul = bytes.firstIndex(of: 0) {
            defer { bytes = bytes[(nul + 1)...] }
            return Array(bytes[..<nul])
        }
        defer { bytes = bytes[bytes.endIndex...] }
        return Array(bytes)
    }

    /// The next piece as text, invalid UTF-8 repaired as a String made from received bytes is.
    public mutating func text() -> String { String(decoding: piece(), as: UTF8.self) }

    /// Everything left.
    public mutating func rest() -> [UInt8] {
        defer { bytes = bytes[bytes.endIndex...] }
        return Array(bytes)
    }
}

/// The same bytes cut into chunks of a size the input chose (1...16, or all at once for
/// 0): a decoder must give the same answer however the network splits its input.
public func chunks(_ bytes: [UInt8], size: UInt8) -> [ArraySlice<UInt8>] {
    let n = size % 17 == 0 ? max(bytes.count, 1) : Int(size % 17)
    return stride(from: 0, to: bytes.count, by: n).map { bytes[$0..<min($0 + n, bytes.count)] }
}

/// Runs async code to its end from libFuzzer's synchronous callback. The code under test
/// awaits only in-memory answers, so this never waits on the network.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// Written by the task before it signals, read after the wait: never at the same time.
private final class ResultBox<T>: @unchecked Sendable { var value: T? }

/// A property every input must keep. Unlike `precondition`, whose message an optimised
/// build drops, this says what broke (on stderr, which libFuzzer shows with the finding)
/// before it traps.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "",
                    file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    fail(message(), file: file, line: line)
}

/// A property broken where there is nothing to test first: says what, then traps.
public func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    StandardError.write("fuzz property broken at \(file):\(line): \(message)\n")
    preconditionFailure()
}

private enum StandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
