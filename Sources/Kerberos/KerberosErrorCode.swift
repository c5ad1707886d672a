/// The MIT Kerberos error codes that GSS-API reports as a Kerberos mechanism's minor
/// status, and that mailconf tells apart. They come from MIT's error table `krb5`
/// (src/lib/krb5/error_tables/krb5_err.et): the table's base, -1765328384, plus the
/// code's place in it. `KerberosErrorCodeTests` checks each one against the message the
/// loaded libkrb5 gives for it.
package enum KerberosErrorCode {
    /// ERROR_TABLE_BASE_krb5.
    static let base = -1_765_328_384

    package static let clientPrincipalUnknown = base + 6   // KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN
    package static let servicePrincipalUnknown = base + 7  // KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN
    package static let ticketExpired = base + 32           // KRB5KRB_AP_ERR_TKT_EXPIRED
    package static let ticketNotYetValid = base + 33       // KRB5KRB_AP_ERR_TKT_NYV
    package static let clockSkew = base + 37               // KRB5KRB_AP_ERR_SKEW
    package static let cacheNotFound = base + 141          // KRB5_CC_NOTFOUND
    package static let cacheEnd = base + 142               // KRB5_CC_END
    package static let noTicketSupplied = base + 143       // KRB5_NO_TKT_SUPPLIED
    package static let realmUnknown = base + 154           // KRB5_REALM_UNKNOWN
    package static let kdcUnreachable = base + 156         // KRB5_KDC_UNREACH
    package static let keytabNotFound = base + 181         // KRB5_KT_NOTFOUND
    package static let keytabEnd = base + 182              // KRB5_KT_END
    package static let cacheFilePermissions = base + 194   // KRB5_FCC_PERM
    package static let cacheFileMissing = base + 195       // KRB5_FCC_NOFILE
    package static let cacheFormat = base + 199            // KRB5_CC_FORMAT
    package static let realmCannotResolve = base + 220     // KRB5_REALM_CANT_RESOLVE
    package static let noDefaultRealm = base + 224         // KRB5_CONFIG_NODEFREALM
    package static let keytabFormat = base + 235           // KRB5_KT_FORMAT

    /// Every code above with MIT's name for it, for the tests.
    package static let all: [(name: String, code: Int)] = [
        ("KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN", clientPrincipalUnknown), ("KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN", servicePrincipalUnknown),
        ("KRB5KRB_AP_ERR_TKT_EXPIRED", ticketExpired), ("KRB5KRB_AP_ERR_TKT_NYV", ticketNotYetValid),
        ("KRB5KRB_AP_ERR_SKEW", clockSkew), ("KRB5_CC_NOTFOUND", cacheNotFound), ("KRB5_CC_END", cacheEnd),
        ("KRB5_NO_TKT_SUPPLIED", noTicketSupplied), ("KRB5_REALM_UNKNOWN", realmUnknown), ("KRB5_KDC_UNREACH", kdcUnreachable),
        ("KRB5_KT_NOTFOUND", keytabNotFound), ("KRB5_KT_END", keytabEnd), ("KRB5_FCC_PERM", cacheFilePermissions),
        ("KRB5_FCC_NOFILE", cacheFileMissing), ("KRB5_CC_FORMAT", cacheFormat), ("KRB5_REALM_CANT_RESOLVE", realmCannotResolve),
        ("KRB5_CONFIG_NODEFREALM", noDefaultRealm), ("KRB5_KT_FORMAT", keytabFormat),
    ]
}
