/// What one GSS-API call gave: its status codes and the bytes of its output buffer.
package struct GSSOutcome {
    package var major: OMUInt32
    package var minor: OMUInt32
    package var output: [UInt8]
    package var failed: Bool { GSS.isError(major) }
}

extension GSSAPILibrary {
    /// Runs one GSS-API call that reads a token (`input`; nil passes no buffer at all) and
    /// fills an output buffer, and gives the output's bytes with the library's buffer released.
    package func call(_ input: [UInt8]?,
                      _ body: (_ minor: inout OMUInt32, _ input: UnsafeMutablePointer<GSSBuffer>?,
                               _ output: inout GSSBuffer) -> OMUInt32) -> GSSOutcome {
        var minor: OMUInt32 = 0
        var output = GSSBuffer()
        var bytes = input ?? []
        let major = bytes.withUnsafeMutableBytes { raw -> OMUInt32 in
            var buffer = GSSBuffer(length: raw.count, value: raw.baseAddress)
            return withUnsafeMutablePointer(to: &buffer) { pointer in
                body(&minor, input == nil ? nil : pointer, &output)
            }
        }
        var result: [UInt8] = []
        if let p = output.value, output.length > 0 { result = Array(UnsafeRawBufferPointer(start: p, count: output.length)) }
        var released: OMUInt32 = 0
        _ = releaseBuffer(&released, &output)
        return GSSOutcome(major: major, minor: minor, output: result)
    }
}
