/// The C types and constants of GSS-API that mailconf uses, declared here from the C
/// bindings of RFC 2744 (section 3 and appendix A) and MIT Kerberos' documented values, so
/// that building mailconf needs no Kerberos headers. ``GSSAPILibrary`` loads the functions
/// at run time. The layouts are the LP64 ones (Linux, and macOS outside Apple's own
/// packed headers); `GSSAPIBindingTests` checks each against MemoryLayout.

/// `OM_uint32`: every status code and flag word.
package typealias OMUInt32 = UInt32

/// `gss_buffer_desc`: `size_t length; void *value;`.
package struct GSSBuffer {
    package var length: Int
    package var value: UnsafeMutableRawPointer?
    package init(length: Int = 0, value: UnsafeMutableRawPointer? = nil) {
        self.length = length
        self.value = value
    }
}

/// `gss_OID_desc`: `OM_uint32 length; void *elements;` (the DER contents of the OID).
package struct GSSOIDDescriptor {
    package var length: OMUInt32
    package var elements: UnsafeMutableRawPointer?
    package init(length: OMUInt32, elements: UnsafeMutableRawPointer?) {
        self.length = length
        self.elements = elements
    }
}

/// `gss_OID_set_desc`: `size_t count; gss_OID elements;`.
package struct GSSOIDSet {
    package var count: Int
    package var elements: UnsafeMutableRawPointer?
    package init(count: Int, elements: UnsafeMutableRawPointer?) {
        self.count = count
        self.elements = elements
    }
}

/// `gss_key_value_element_desc` (MIT's credential store extension): `const char *key, *value;`.
package struct GSSKeyValueElement {
    package var key: UnsafePointer<CChar>?
    package var value: UnsafePointer<CChar>?
    package init(key: UnsafePointer<CChar>?, value: UnsafePointer<CChar>?) {
        self.key = key
        self.value = value
    }
}

/// `gss_key_value_set_desc`: `OM_uint32 count; gss_key_value_element_desc *elements;`.
package struct GSSKeyValueSet {
    package var count: OMUInt32
    package var elements: UnsafeMutableRawPointer?
    package init(count: OMUInt32, elements: UnsafeMutableRawPointer?) {
        self.count = count
        self.elements = elements
    }
}

/// `gss_name_t`, `gss_ctx_id_t`, `gss_cred_id_t`: pointers to structures only the library knows.
package typealias GSSHandle = OpaquePointer

/// An OID the library is handed as `gss_OID`: a descriptor and its bytes, allocated once
/// and never freed or written, so one can be shared by every thread.
package final class GSSOID: @unchecked Sendable {
    package let pointer: UnsafeMutableRawPointer
    package let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        let elements = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 1)
        elements.copyMemory(from: bytes, byteCount: bytes.count)
        let descriptor = UnsafeMutablePointer<GSSOIDDescriptor>.allocate(capacity: 1)
        descriptor.initialize(to: GSSOIDDescriptor(length: OMUInt32(bytes.count), elements: elements))
        pointer = UnsafeMutableRawPointer(descriptor)
    }

    /// `GSS_C_NT_HOSTBASED_SERVICE`, 1.2.840.113554.1.2.1.4 (RFC 2744 section 4.1): `service@host`.
    package static let hostBasedService = GSSOID([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x12, 0x01, 0x02, 0x01, 0x04])
    /// `GSS_KRB5_NT_PRINCIPAL_NAME`, 1.2.840.113554.1.2.2.1 (RFC 1964 section 2.1.1): `primary/instance@REALM`.
    package static let krb5PrincipalName = GSSOID([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x12, 0x01, 0x02, 0x02, 0x01])
    /// `gss_mech_krb5`, 1.2.840.113554.1.2.2 (RFC 1964 section 1): the Kerberos V5 mechanism.
    package static let krb5Mechanism = GSSOID([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x12, 0x01, 0x02, 0x02])
}

/// The constants of RFC 2744 that mailconf uses (its macros, which no header brings here).
package enum GSS {
    // Status codes (RFC 2744 section 3.9.1): calling errors in bits 24–31, routine errors
    // in bits 16–23, supplementary information in bits 0–15.
    package static let callingErrorMask: OMUInt32 = 0xFF << 24
    package static let routineErrorMask: OMUInt32 = 0xFF << 16
    /// `GSS_ERROR(x)`: a calling or routine error is set.
    package static func isError(_ major: OMUInt32) -> Bool { major & (callingErrorMask | routineErrorMask) != 0 }
    /// `GSS_ROUTINE_ERROR(x)`.
    package static func routineError(_ major: OMUInt32) -> OMUInt32 { major & routineErrorMask }

    package static let badName: OMUInt32 = 2 << 16           // GSS_S_BAD_NAME
    package static let noCredentials: OMUInt32 = 7 << 16     // GSS_S_NO_CRED
    package static let defectiveToken: OMUInt32 = 9 << 16    // GSS_S_DEFECTIVE_TOKEN
    package static let credentialsExpired: OMUInt32 = 11 << 16  // GSS_S_CREDENTIALS_EXPIRED
    package static let continueNeeded: OMUInt32 = 1 << 0     // GSS_S_CONTINUE_NEEDED

    // gss_display_status status types.
    package static let gssCode: Int32 = 1    // GSS_C_GSS_CODE
    package static let mechanismCode: Int32 = 2  // GSS_C_MECH_CODE

    // Context flags (RFC 2744 section 5.19).
    package static let mutualFlag: OMUInt32 = 2     // GSS_C_MUTUAL_FLAG
    package static let sequenceFlag: OMUInt32 = 8   // GSS_C_SEQUENCE_FLAG

    // Credential usage (`gss_cred_usage_t`, an int).
    package static let initiate: Int32 = 1  // GSS_C_INITIATE
    package static let accept: Int32 = 2    // GSS_C_ACCEPT

    package static let indefinite: OMUInt32 = 0xFFFF_FFFF  // GSS_C_INDEFINITE
    package static let defaultQOP: OMUInt32 = 0            // GSS_C_QOP_DEFAULT
}
