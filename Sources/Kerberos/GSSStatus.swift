import CGSSAPI
import Foundation

/// A failed GSS-API call: its major and minor status and the library's own words for them.
struct GSSStatus: Error, Sendable {
    var call: String
    var major: OM_uint32
    var minor: OM_uint32
    /// gss_display_status for both codes, minor (the Kerberos error) first.
    var text: String

    init(call: String, major: OM_uint32, minor: OM_uint32) {
        self.call = call
        self.major = major
        self.minor = minor
        // The Kerberos library's words (minor) say what happened; GSS-API's own (major) are
        // generic ("Unspecified GSS failure"), so they are used only when there are no others.
        let useful: (String) -> Bool = { !$0.isEmpty && $0 != "Unknown error" && !$0.hasPrefix("Unspecified GSS failure") }
        var words = Self.display(minor, type: Int32(GSS_C_MECH_CODE)).filter(useful)
        if words.isEmpty { words = Self.display(mailconf_gss_routine_error(major), type: Int32(GSS_C_GSS_CODE)).filter(useful) }
        self.text = words.joined(separator: "; ")
    }

    /// The minor status as the Kerberos library's (negative) error code.
    var krb5Code: Int { Int(Int32(bitPattern: minor)) }
    var routineError: OM_uint32 { mailconf_gss_routine_error(major) }

    static func display(_ code: OM_uint32, type: Int32) -> [String] {
        guard code != 0 else { return [] }
        var messages: [String] = []
        var context: OM_uint32 = 0
        repeat {
            var minor: OM_uint32 = 0
            var buffer = gss_buffer_desc()
            let major = gss_display_status(&minor, code, type, mailconf_gss_mech_krb5(), &context, &buffer)
            if mailconf_gss_is_error(major) != 0 { break }
            if let p = buffer.value {
                messages.append(String(decoding: UnsafeRawBufferPointer(start: p, count: buffer.length), as: UTF8.self))
            }
            gss_release_buffer(&minor, &buffer)
        } while context != 0 && messages.count < 8
        return messages
    }
}

/// Why a Kerberos login could not even start, in the words a person can act on. Each
/// has a stable kind for `--json`.
public struct KerberosFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: String
    public var message: String
    public var description: String { message }

    /// Every kind a Kerberos failure can have, for help texts.
    public static let kinds = [
        "kerberos-no-credentials", "kerberos-ticket-expired", "kerberos-clock-skew", "kerberos-unknown-service",
        "kerberos-unknown-client", "kerberos-realm-unreachable", "kerberos-rejected", "kerberos-error",
    ]

    /// What the identity was, for the sentences.
    struct Context {
        var options: KerberosOptions
        var service: String
    }

    static func classify(_ status: GSSStatus, _ context: Context) -> KerberosFailure {
        let gss = status.text.isEmpty ? "" : " (GSS-API: \(status.text))"
        let who = context.options.principal ?? "your principal"
        let source: String
        if let keytab = context.options.keytab {
            source = "the keytab \(keytab)"
        } else if let cache = context.options.credentialCache {
            source = "the credential cache \(cache)"
        } else if let cache = ProcessInfo.processInfo.environment["KRB5CCNAME"], !cache.isEmpty {
            source = "the credential cache \(cache) (KRB5CCNAME)"
        } else {
            source = "the default credential cache (krb5.conf's default_ccache_name)"
        }
        let code = status.krb5Code
        switch code {
        case Int(KRB5KRB_AP_ERR_SKEW):
            return KerberosFailure(kind: "kerberos-clock-skew", message:
                "this machine's clock and the KDC's or mail server's differ by more than Kerberos allows (5 minutes unless krb5.conf says otherwise): set the clock right (NTP), then run kinit again, since a ticket got with a wrong clock keeps its offset\(gss)")
        case Int(KRB5KRB_AP_ERR_TKT_NYV):
            return KerberosFailure(kind: "kerberos-clock-skew", message:
                "the Kerberos ticket is not valid yet by this machine's clock, which is behind the KDC's: set the clock right (NTP), then run kinit again\(gss)")
        case Int(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN):
            return KerberosFailure(kind: "kerberos-unknown-service", message:
                "the KDC has no service principal for \(context.service): Kerberos names a server by the host name in its keytab, so connect by that name (not an IP address or an alias), or name the principal with --service-principal\(gss)")
        case Int(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN):
            return KerberosFailure(kind: "kerberos-unknown-client", message:
                "the KDC does not know \(who): check the principal's spelling and realm\(gss)")
        case Int(KRB5_KDC_UNREACH), Int(KRB5_REALM_CANT_RESOLVE), Int(KRB5_REALM_UNKNOWN), Int(KRB5_CONFIG_NODEFREALM):
            return KerberosFailure(kind: "kerberos-realm-unreachable", message:
                "no KDC of the realm answered: check the network path to the KDC and the realm's kdc lines in krb5.conf (KRB5_CONFIG names another file)\(gss)")
        case Int(KRB5KRB_AP_ERR_TKT_EXPIRED):
            return expired(gss)
        case Int(KRB5_FCC_NOFILE), Int(KRB5_CC_NOTFOUND), Int(KRB5_CC_END), Int(KRB5_NO_TKT_SUPPLIED),
             Int(KRB5_KT_NOTFOUND), Int(KRB5_KT_END), Int(KRB5_KT_FORMAT), Int(KRB5_CC_FORMAT), Int(KRB5_FCC_PERM):
            return noCredentials(context, who: who, source: source, gss)
        default: break
        }
        if status.routineError == mailconf_gss_s_credentials_expired() { return expired(gss) }
        if status.routineError == mailconf_gss_s_no_cred() { return noCredentials(context, who: who, source: source, gss) }
        if status.routineError == mailconf_gss_s_bad_name() {
            return KerberosFailure(kind: "kerberos-error", message:
                "\(status.call == "import the service name" ? context.service : who) is not a valid Kerberos name: write service@host or primary/instance@REALM\(gss)")
        }
        return KerberosFailure(kind: "kerberos-error", message: "Kerberos failed during \(status.call)\(gss)")
    }

    static func expired(_ gss: String) -> KerberosFailure {
        KerberosFailure(kind: "kerberos-ticket-expired", message:
            "the Kerberos ticket has expired: run kinit again (klist shows when tickets expire)\(gss)")
    }

    static func noCredentials(_ context: Context, who: String, source: String, _ gss: String) -> KerberosFailure {
        let what = context.options.keytab != nil
            ? "no usable key for \(who) in \(source): check the path, its permissions and the principal (klist -k \(context.options.keytab!) lists its entries)"
            : "no Kerberos ticket for \(who) in \(source): run kinit first, or give --keytab FILE"
        return KerberosFailure(kind: "kerberos-no-credentials", message: what + gss)
    }
}
