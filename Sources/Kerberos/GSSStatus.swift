/// A failed GSS-API call: its major and minor status and the library's own words for them.
struct GSSStatus: Error, Sendable {
    var call: String
    var major: OMUInt32
    var minor: OMUInt32
    /// gss_display_status for both codes, minor (the Kerberos error) first.
    var text: String

    init(_ library: GSSAPILibrary, call: String, major: OMUInt32, minor: OMUInt32) {
        self.call = call
        self.major = major
        self.minor = minor
        // The Kerberos library's words (minor) say what happened; GSS-API's own (major) are
        // generic ("Unspecified GSS failure"), so they are used only when there are no others.
        let useful: (String) -> Bool = { !$0.isEmpty && $0 != "Unknown error" && !$0.hasPrefix("Unspecified GSS failure") }
        var words = Self.display(library, minor, type: GSS.mechanismCode).filter(useful)
        if words.isEmpty { words = Self.display(library, GSS.routineError(major), type: GSS.gssCode).filter(useful) }
        self.text = words.joined(separator: "; ")
    }

    /// The minor status as the Kerberos library's (negative) error code.
    var krb5Code: Int { Int(Int32(bitPattern: minor)) }
    var routineError: OMUInt32 { GSS.routineError(major) }

    /// gss_display_status's messages for one code (it may give several, one per call).
    static func display(_ library: GSSAPILibrary, _ code: OMUInt32, type: Int32) -> [String] {
        guard code != 0 else { return [] }
        var messages: [String] = []
        var context: OMUInt32 = 0
        repeat {
            var minor: OMUInt32 = 0
            var buffer = GSSBuffer()
            let major = library.displayStatus(&minor, code, type, GSSOID.krb5Mechanism.pointer, &context, &buffer)
            if GSS.isError(major) { break }
            if let p = buffer.value {
                messages.append(String(decoding: UnsafeRawBufferPointer(start: p, count: buffer.length), as: UTF8.self))
            }
            _ = library.releaseBuffer(&minor, &buffer)
        } while context != 0 && messages.count < 8
        return messages
    }
}
