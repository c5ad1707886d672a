import CGSSAPI

/// What one GSS-API call gave: its status codes and the bytes of its output buffer.
package struct GSSOutcome {
    package var major: OM_uint32
    package var minor: OM_uint32
    package var output: [UInt8]
    package var failed: Bool { mailconf_gss_is_error(major) != 0 }
}

/// Runs one GSS-API call that reads a token (`input`; nil passes no buffer at all) and
/// fills an output buffer, and gives the output's bytes with the library's buffer released.
package func gssCall(_ input: [UInt8]?,
                     _ call: (_ minor: inout OM_uint32, _ input: UnsafeMutablePointer<gss_buffer_desc>?,
                              _ output: inout gss_buffer_desc) -> OM_uint32) -> GSSOutcome {
    var minor: OM_uint32 = 0
    var output = gss_buffer_desc()
    var bytes = input ?? []
    let major = bytes.withUnsafeMutableBytes { raw -> OM_uint32 in
        var buffer = gss_buffer_desc(length: raw.count, value: raw.baseAddress)
        return withUnsafeMutablePointer(to: &buffer) { pointer in
            call(&minor, input == nil ? nil : pointer, &output)
        }
    }
    var result: [UInt8] = []
    if let p = output.value, output.length > 0 { result = Array(UnsafeRawBufferPointer(start: p, count: output.length)) }
    var released: OM_uint32 = 0
    gss_release_buffer(&released, &output)
    return GSSOutcome(major: major, minor: minor, output: result)
}
