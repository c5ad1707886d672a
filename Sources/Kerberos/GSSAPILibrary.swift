#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Failures
import Foundation

/// MIT Kerberos' GSS-API library, opened at run time with `dlopen` the first time a login
/// uses Kerberos, so that neither building nor running mailconf needs Kerberos otherwise.
/// `MAILCONF_GSSAPI_LIBRARY` (a path) overrides which library is opened.
///
/// The functions are RFC 2744's C bindings plus MIT's `gss_acquire_cred_from`; their types
/// are declared below, over the structures in GSSAPIBindings.swift. A structure argument is
/// passed as a raw pointer (`&buffer` converts to one), since a C function type in Swift
/// cannot name a Swift structure.
package final class GSSAPILibrary: @unchecked Sendable {
    /// The environment variable that names another library (for tests and packagers).
    package static let environmentVariable = "MAILCONF_GSSAPI_LIBRARY"

    #if canImport(Darwin)
    /// Homebrew's krb5 (Apple's own GSS framework is Heimdal's, without the credential store).
    package static let systemLibrary = "libgssapi_krb5.2.2.dylib"
    static let installHint = "install MIT Kerberos (Homebrew: brew install krb5) and set \(environmentVariable) to its libgssapi_krb5.2.2.dylib"
    #else
    package static let systemLibrary = "libgssapi_krb5.so.2"
    static let installHint = "install MIT Kerberos' runtime library (Debian/Ubuntu: apt-get install libgssapi-krb5-2; Fedora: dnf install krb5-libs), or set \(environmentVariable) to the library's path"
    #endif

    /// The library this process uses: loaded once, on first use, from
    /// `MAILCONF_GSSAPI_LIBRARY` or the system's; or why it could not be.
    package static let shared: Result<GSSAPILibrary, KerberosFailure> = {
        let named = ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        return load(path: named)
    }()

    package typealias Minor = UnsafeMutablePointer<OMUInt32>?
    package typealias HandleOut = UnsafeMutablePointer<GSSHandle?>?
    package typealias Raw = UnsafeMutableRawPointer?

    /// gss_import_name(minor, gss_buffer_t name, gss_OID type, gss_name_t *out)
    package typealias ImportName = @convention(c) (Minor, Raw, Raw, HandleOut) -> OMUInt32
    /// gss_release_name / gss_release_cred (minor, handle *)
    package typealias ReleaseHandle = @convention(c) (Minor, HandleOut) -> OMUInt32
    /// gss_acquire_cred_from(minor, gss_name_t desired, OM_uint32 time, gss_OID_set mechs,
    /// gss_cred_usage_t usage, gss_const_key_value_set_t store, gss_cred_id_t *out,
    /// gss_OID_set *actual, OM_uint32 *time_rec)
    package typealias AcquireCredentialFrom = @convention(c) (Minor, GSSHandle?, OMUInt32, Raw, Int32, Raw, HandleOut, Raw, Minor) -> OMUInt32
    /// gss_init_sec_context(minor, cred, gss_ctx_id_t *ctx, gss_name_t target, gss_OID mech,
    /// OM_uint32 flags, OM_uint32 time, bindings, gss_buffer_t in, gss_OID *actual,
    /// gss_buffer_t out, OM_uint32 *ret_flags, OM_uint32 *time_rec)
    package typealias InitSecurityContext = @convention(c) (Minor, GSSHandle?, HandleOut, GSSHandle?, Raw, OMUInt32, OMUInt32, Raw, Raw, Raw, Raw, Minor, Minor) -> OMUInt32
    /// gss_accept_sec_context(minor, gss_ctx_id_t *ctx, cred, gss_buffer_t in, bindings,
    /// gss_name_t *src, gss_OID *mech, gss_buffer_t out, OM_uint32 *ret_flags,
    /// OM_uint32 *time_rec, gss_cred_id_t *delegated)
    package typealias AcceptSecurityContext = @convention(c) (Minor, HandleOut, GSSHandle?, Raw, Raw, HandleOut, Raw, Raw, Minor, Minor, HandleOut) -> OMUInt32
    /// gss_delete_sec_context(minor, gss_ctx_id_t *ctx, gss_buffer_t out)
    package typealias DeleteSecurityContext = @convention(c) (Minor, HandleOut, Raw) -> OMUInt32
    /// gss_wrap(minor, ctx, int conf_req, gss_qop_t qop, gss_buffer_t in, int *conf_state, gss_buffer_t out)
    package typealias Wrap = @convention(c) (Minor, GSSHandle?, Int32, OMUInt32, Raw, UnsafeMutablePointer<Int32>?, Raw) -> OMUInt32
    /// gss_unwrap(minor, ctx, gss_buffer_t in, gss_buffer_t out, int *conf_state, gss_qop_t *qop)
    package typealias Unwrap = @convention(c) (Minor, GSSHandle?, Raw, Raw, UnsafeMutablePointer<Int32>?, Minor) -> OMUInt32
    /// gss_release_buffer(minor, gss_buffer_t)
    package typealias ReleaseBuffer = @convention(c) (Minor, Raw) -> OMUInt32
    /// gss_display_status(minor, OM_uint32 status, int type, gss_OID mech, OM_uint32 *context, gss_buffer_t out)
    package typealias DisplayStatus = @convention(c) (Minor, OMUInt32, Int32, Raw, Minor, Raw) -> OMUInt32

    /// The file the library was opened from.
    package let path: String
    package let importName: ImportName
    package let releaseName: ReleaseHandle
    package let acquireCredentialFrom: AcquireCredentialFrom
    package let releaseCredential: ReleaseHandle
    package let initSecurityContext: InitSecurityContext
    package let acceptSecurityContext: AcceptSecurityContext
    package let deleteSecurityContext: DeleteSecurityContext
    package let wrap: Wrap
    package let unwrap: Unwrap
    package let releaseBuffer: ReleaseBuffer
    package let displayStatus: DisplayStatus

    /// Opens the library at `path` (nil: the system's, by its soname) and looks up every
    /// function mailconf calls. The handle is kept for the life of the process.
    package static func load(path: String?) -> Result<GSSAPILibrary, KerberosFailure> {
        let file = path ?? systemLibrary
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "no reason given"
            if let path {
                return .failure(KerberosFailure(kind: .kerberosUnavailable, message:
                    "Kerberos is not available: the GSS-API library that \(environmentVariable) names, \(path), could not be loaded (\(reason)): point \(environmentVariable) at MIT Kerberos' \(systemLibrary), or unset it to use the system's"))
            }
            return .failure(KerberosFailure(kind: .kerberosUnavailable, message:
                "Kerberos is not available: mailconf logs in with Kerberos through MIT Kerberos' GSS-API library \(systemLibrary), which could not be loaded (\(reason)): \(installHint)"))
        }
        do throws(KerberosFailure) {
            return .success(try GSSAPILibrary(handle: handle, path: file))
        } catch {
            dlclose(handle)
            return .failure(error)
        }
    }

    private init(handle: UnsafeMutableRawPointer, path: String) throws(KerberosFailure) {
        func symbol<F>(_ name: String, _: F.Type) throws(KerberosFailure) -> F {
            guard let address = dlsym(handle, name) else {
                throw KerberosFailure(kind: .kerberosUnavailable, message:
                    "Kerberos is not available: \(path) has no function \(name), so it is not MIT Kerberos' GSS-API library (1.11 or later): \(GSSAPILibrary.installHint)")
            }
            return unsafeBitCast(address, to: F.self)
        }
        self.path = path
        importName = try symbol("gss_import_name", ImportName.self)
        releaseName = try symbol("gss_release_name", ReleaseHandle.self)
        acquireCredentialFrom = try symbol("gss_acquire_cred_from", AcquireCredentialFrom.self)
        releaseCredential = try symbol("gss_release_cred", ReleaseHandle.self)
        initSecurityContext = try symbol("gss_init_sec_context", InitSecurityContext.self)
        acceptSecurityContext = try symbol("gss_accept_sec_context", AcceptSecurityContext.self)
        deleteSecurityContext = try symbol("gss_delete_sec_context", DeleteSecurityContext.self)
        wrap = try symbol("gss_wrap", Wrap.self)
        unwrap = try symbol("gss_unwrap", Unwrap.self)
        releaseBuffer = try symbol("gss_release_buffer", ReleaseBuffer.self)
        displayStatus = try symbol("gss_display_status", DisplayStatus.self)
    }
}
