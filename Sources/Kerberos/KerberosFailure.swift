import Failures
import Foundation

/// Why a Kerberos login could not even start, in the words a person can act on. Each
/// has a stable kind for `--json`.
public struct KerberosFailure: MailconfError, Equatable {
    public var kind: FailureKind
    public var message: String
    public var description: String { message }

    public init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }

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
        switch status.krb5Code {
        case KerberosErrorCode.clockSkew:
            return KerberosFailure(kind: .kerberosClockSkew, message:
                "this machine's clock and the KDC's or mail server's differ by more than Kerberos allows (5 minutes unless krb5.conf says otherwise): set the clock right (NTP), then run kinit again, since a ticket got with a wrong clock keeps its offset\(gss)")
        case KerberosErrorCode.ticketNotYetValid:
            return KerberosFailure(kind: .kerberosClockSkew, message:
                "the Kerberos ticket is not valid yet by this machine's clock, which is behind the KDC's: set the clock right (NTP), then run kinit again\(gss)")
        case KerberosErrorCode.servicePrincipalUnknown:
            return KerberosFailure(kind: .kerberosUnknownService, message:
                "the KDC has no service principal for \(context.service): Kerberos names a server by the host name in its keytab, so connect by that name (not an IP address or an alias), or name the principal with --service-principal\(gss)")
        case KerberosErrorCode.clientPrincipalUnknown:
            return KerberosFailure(kind: .kerberosUnknownClient, message:
                "the KDC does not know \(who): check the principal's spelling and realm\(gss)")
        case KerberosErrorCode.kdcUnreachable, KerberosErrorCode.realmCannotResolve, KerberosErrorCode.realmUnknown, KerberosErrorCode.noDefaultRealm:
            return KerberosFailure(kind: .kerberosRealmUnreachable, message:
                "no KDC of the realm answered: check the network path to the KDC and the realm's kdc lines in krb5.conf (KRB5_CONFIG names another file)\(gss)")
        case KerberosErrorCode.ticketExpired:
            return expired(gss)
        case KerberosErrorCode.cacheFileMissing, KerberosErrorCode.cacheNotFound, KerberosErrorCode.cacheEnd, KerberosErrorCode.noTicketSupplied,
             KerberosErrorCode.keytabNotFound, KerberosErrorCode.keytabEnd, KerberosErrorCode.keytabFormat, KerberosErrorCode.cacheFormat, KerberosErrorCode.cacheFilePermissions:
            return noCredentials(context, who: who, source: source, gss)
        default: break
        }
        if status.routineError == GSS.credentialsExpired { return expired(gss) }
        if status.routineError == GSS.noCredentials { return noCredentials(context, who: who, source: source, gss) }
        if status.routineError == GSS.badName {
            return KerberosFailure(kind: .kerberosError, message:
                "\(status.call == "import the service name" ? context.service : who) is not a valid Kerberos name: write service@host or primary/instance@REALM\(gss)")
        }
        return KerberosFailure(kind: .kerberosError, message: "Kerberos failed during \(status.call)\(gss)")
    }

    static func expired(_ gss: String) -> KerberosFailure {
        KerberosFailure(kind: .kerberosTicketExpired, message:
            "the Kerberos ticket has expired: run kinit again (klist shows when tickets expire)\(gss)")
    }

    static func noCredentials(_ context: Context, who: String, source: String, _ gss: String) -> KerberosFailure {
        let what = context.options.keytab != nil
            ? "no usable key for \(who) in \(source): check the path, its permissions and the principal (klist -k \(context.options.keytab!) lists its entries)"
            : "no Kerberos ticket for \(who) in \(source): run kinit first, or give --keytab FILE"
        return KerberosFailure(kind: .kerberosNoCredentials, message: what + gss)
    }
}
