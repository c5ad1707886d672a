/// Where the client's Kerberos identity comes from, and which service it asks a ticket for.
public struct KerberosOptions: Sendable, Equatable, Codable {
    /// The client principal (`alice@EXAMPLE.ORG`). Nil: the credential cache's own
    /// principal, or the first one in the keytab.
    public var principal: String?
    /// A client keytab. Tickets got with its key go into a private in-memory cache, never
    /// into the user's own.
    public var keytab: String?
    /// A credential cache name (`FILE:/tmp/krb5cc_1000`, `KEYRING:persistent:1000`, or a
    /// path). Nil: `KRB5CCNAME`, or krb5.conf's default.
    public var credentialCache: String?
    /// The server's principal. Nil: `SERVICE@HOST`, the host-based name RFC 4752 asks for
    /// (`smtp`, `imap`, or `pop` for POP3). Either `service@host` or a Kerberos name such
    /// as `smtp/mail.example.org@EXAMPLE.ORG`.
    public var servicePrincipal: String?

    public init(principal: String? = nil, keytab: String? = nil, credentialCache: String? = nil, servicePrincipal: String? = nil) {
        self.principal = principal
        self.keytab = keytab
        self.credentialCache = credentialCache
        self.servicePrincipal = servicePrincipal
    }

    /// The service principal for a host, as the client asks the KDC for it: `service`
    /// is the protocol's GSSAPI service name (RFC 4752 §3.1; `imap` per RFC 9051, `pop`
    /// per RFC 5034).
    public func service(forHost host: String, service: String = "smtp") -> String {
        servicePrincipal ?? "\(service)@\(host)"
    }
}
