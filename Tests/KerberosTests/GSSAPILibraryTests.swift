import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Kerberos
import SASL
import SMTPClient
import Testing
import TestSupport

/// The GSS-API library loaded at run time: its declared C layouts and constants against the
/// real library, and what a machine without it gets. No lab needed, only the Kerberos
/// runtime (libgssapi-krb5-2), which every Debian machine with krb5-user has.
@Suite struct GSSAPILibraryLoading {
    @Test func theSystemLibraryLoadsWithEveryFunction() throws {
        let library = try GSSAPILibrary.load(path: nil).get()
        #expect(library.path == GSSAPILibrary.systemLibrary)
        #expect(GSSAPIMechanism.unavailability == nil)
    }

    @Test func aPathThatDoesNotLoadIsKerberosUnavailableNamingThePath() throws {
        let path = "/nonexistent/libgssapi_krb5.so.2"
        guard case .failure(let failure) = GSSAPILibrary.load(path: path) else {
            Issue.record("a missing file loaded")
            return
        }
        #expect(failure.kind == "kerberos-unavailable")
        #expect(failure.message.contains(path), "\(failure.message)")
        #expect(failure.message.contains("MAILCONF_GSSAPI_LIBRARY"), "\(failure.message)")
    }

    @Test func aLibraryThatIsNotGSSAPIIsKerberosUnavailableNamingTheMissingFunction() throws {
        guard case .failure(let failure) = GSSAPILibrary.load(path: "libc.so.6") else {
            Issue.record("libc passed for a GSS-API library")
            return
        }
        #expect(failure.kind == "kerberos-unavailable")
        #expect(failure.message.contains("libc.so.6 has no function gss_import_name"), "\(failure.message)")
        #expect(failure.message.contains("libgssapi-krb5-2") && failure.message.contains("krb5-libs"), "\(failure.message)")
    }

    @Test func aMechanismWithoutTheLibraryFailsAtEveryStepWithKerberosUnavailable() async throws {
        let missing = KerberosFailure(kind: .kerberosUnavailable, message: "Kerberos is not available: test")
        var mechanism = GSSAPIMechanism(host: "mail.example.test", options: KerberosOptions(), authorizationIdentity: "",
                                        library: .failure(missing))
        do throws(SASLError) {
            try await mechanism.prepare(timeout: 5)
            Issue.record("prepare worked without a library")
        } catch {
            #expect(error.kind == "kerberos-unavailable")
            #expect(error.description == missing.message)
        }
        #expect(throws: SASLError.mechanismFailed(mechanism: "GSSAPI", kind: .kerberosUnavailable, message: missing.message)) {
            _ = try mechanism.start()
        }
    }

    /// The structures as RFC 2744's C bindings lay them out on LP64 (checked once against
    /// MIT's headers with offsetof): a difference here would corrupt every call.
    @Test func theDeclaredStructuresHaveTheCLayouts() {
        #expect(MemoryLayout<GSSBuffer>.size == 16 && MemoryLayout<GSSBuffer>.offset(of: \.value) == 8)
        #expect(MemoryLayout<GSSOIDDescriptor>.size == 16 && MemoryLayout<GSSOIDDescriptor>.offset(of: \.elements) == 8)
        #expect(MemoryLayout<GSSOIDSet>.size == 16 && MemoryLayout<GSSOIDSet>.offset(of: \.elements) == 8)
        #expect(MemoryLayout<GSSKeyValueElement>.size == 16 && MemoryLayout<GSSKeyValueElement>.offset(of: \.value) == 8)
        #expect(MemoryLayout<GSSKeyValueSet>.size == 16 && MemoryLayout<GSSKeyValueSet>.offset(of: \.elements) == 8)
        #expect(MemoryLayout<OMUInt32>.size == 4)
        let oid = GSSOID.krb5Mechanism.pointer.assumingMemoryBound(to: GSSOIDDescriptor.self).pointee
        #expect(oid.length == 9)
        #expect(Array(UnsafeRawBufferPointer(start: oid.elements, count: 9)) == GSSOID.krb5Mechanism.bytes)
    }

    /// The routine-error constants, by the words the loaded library has for each.
    @Test func theStatusConstantsAreTheLibrarysOwn() throws {
        let gss = try GSSAPILibrary.shared.get()
        func words(_ code: OMUInt32) -> String {
            var minor: OMUInt32 = 0, context: OMUInt32 = 0
            var buffer = GSSBuffer()
            _ = gss.displayStatus(&minor, code, GSS.gssCode, nil, &context, &buffer)
            defer { _ = gss.releaseBuffer(&minor, &buffer) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.value, count: buffer.length), as: UTF8.self)
        }
        #expect(words(GSS.badName) == "An invalid name was supplied")
        #expect(words(GSS.noCredentials) == "No credentials were supplied, or the credentials were unavailable or inaccessible")
        #expect(words(GSS.defectiveToken) == "Invalid token was supplied")
        #expect(words(GSS.credentialsExpired) == "The referenced credential has expired")
        #expect(words(GSS.continueNeeded) == "The routine must be called again to complete its function")
        #expect(GSS.isError(GSS.noCredentials) && !GSS.isError(GSS.continueNeeded))
    }

    /// Each Kerberos error code mailconf tells apart, by the message MIT's libkrb5 (loaded
    /// here the same way) has for it in its error table.
    @Test func theKerberosErrorCodesAreTheLibrarysOwn() throws {
        typealias InitContext = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Int32
        typealias ErrorMessage = @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<CChar>?
        typealias FreeErrorMessage = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void
        typealias FreeContext = @convention(c) (OpaquePointer?) -> Void
        let handle = try #require(dlopen("libkrb5.so.3", RTLD_NOW | RTLD_LOCAL), "libkrb5.so.3 (libkrb5-3) is not installed")
        defer { dlclose(handle) }
        func load<F>(_ name: String, _: F.Type) throws -> F { unsafeBitCast(try #require(dlsym(handle, name)), to: F.self) }
        let initContext = try load("krb5_init_context", InitContext.self)
        let message = try load("krb5_get_error_message", ErrorMessage.self)
        let freeMessage = try load("krb5_free_error_message", FreeErrorMessage.self)
        let freeContext = try load("krb5_free_context", FreeContext.self)
        var context: OpaquePointer?
        #expect(initContext(&context) == 0)
        defer { freeContext(context) }
        let expected = [
            "KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN": "Client not found in Kerberos database",
            "KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN": "Server not found in Kerberos database",
            "KRB5KRB_AP_ERR_TKT_EXPIRED": "Ticket expired",
            "KRB5KRB_AP_ERR_TKT_NYV": "Ticket not yet valid",
            "KRB5KRB_AP_ERR_SKEW": "Clock skew too great",
            "KRB5_CC_NOTFOUND": "Matching credential not found",
            "KRB5_CC_END": "End of credential cache reached",
            "KRB5_NO_TKT_SUPPLIED": "Request did not supply a ticket",
            "KRB5_REALM_UNKNOWN": "Cannot find KDC for requested realm",
            "KRB5_KDC_UNREACH": "Cannot contact any KDC for requested realm",
            "KRB5_KT_NOTFOUND": "Key table entry not found",
            "KRB5_KT_END": "End of key table reached",
            "KRB5_FCC_PERM": "Credentials cache permissions incorrect",
            "KRB5_FCC_NOFILE": "No credentials cache found",
            "KRB5_CC_FORMAT": "Bad format in credentials cache",
            "KRB5_REALM_CANT_RESOLVE": "Cannot resolve network address for KDC in requested realm",
            "KRB5_CONFIG_NODEFREALM": "Configuration file does not specify default realm",
            "KRB5_KT_FORMAT": "Bad format in keytab",
        ]
        #expect(Set(KerberosErrorCode.all.map(\.name)) == Set(expected.keys))
        for (name, code) in KerberosErrorCode.all {
            let text = message(context, Int32(code))
            defer { freeMessage(context, text) }
            #expect(text.map { String(cString: $0) } == expected[name], "\(name) = \(code)")
        }
    }
}
