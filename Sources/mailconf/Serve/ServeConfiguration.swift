import AdminService
import AutoconfigService
import HTTPKit
import MailNet

/// What `serve` is to run, read from its options once they are valid: values only, no
/// file or network opened. ``ServeAssembly`` builds the running service from it.
struct ServeConfiguration: Sendable {
    /// The admin listener (`--admin`): where, its tokens, TLS, and whom "verify" trusts.
    struct Admin: Sendable {
        var host: String
        var port: Int
        var tokenFile: String
        var tls: TLSFiles?
        var verifyTrust: TrustPolicy
        var limits: ConnectionLimits
    }

    /// Apple profiles signed (`--sign-profiles`): with these files, else with the https or
    /// the domain's ACME certificate.
    struct Signing: Sendable {
        var chainFile: String?
        var keyFile: String?
        /// --sign-cert was given: it wins over each domain's ACME certificate.
        var explicit: Bool
    }

    var host: String
    var port: Int
    var httpPort: Int?
    var tls: TLSFiles?
    var limits: ConnectionLimits
    /// No --max-connections: the cap comes from the open-file limit.
    var connectionsFromFileLimit: Bool
    /// The autoconfig answers (what is answered, logging, clientConfig's version).
    var service: ServiceConfiguration
    var signing: Signing?
    var acme: ACMEOptions
    var admin: Admin?
    var catalog: CatalogOptions

    init(_ c: ServeCommand) {
        host = c.host
        port = c.port
        httpPort = c.httpPort
        tls = c.tlsCert.map { TLSFiles(certificateChain: $0, privateKey: c.tlsKey ?? "") }
        limits = ConnectionLimits(idleTimeout: c.idleTimeout, headerTimeout: c.headerTimeout, maxConnections: c.maxConnections)
        connectionsFromFileLimit = c.maxConnections == nil
        service = ServiceConfiguration(answerForAllKnownDomains: c.allDomains, logAddresses: c.logAddresses,
                                       publicBaseURL: c.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
        service.accessLog = !c.noAccessLog
        service.clientConfigVersion = c.configVersion
        signing = c.signProfiles
            ? Signing(chainFile: c.signCert ?? c.tlsCert, keyFile: c.signKey ?? c.tlsKey, explicit: c.signCert != nil) : nil
        acme = c.acme
        catalog = c.catalog
        admin = Self.admin(c)
    }

    static func admin(_ c: ServeCommand) -> Admin? {
        guard let address = c.admin, let tokenFile = c.adminTokenFile, let (host, port) = AdminAPI.listenAddress(address) else { return nil }
        let tls = c.adminTLSCert.map {
            TLSFiles(certificateChain: $0, privateKey: c.adminTLSKey ?? "", options: ("--admin-tls-cert", "--admin-tls-key"),
                     failure: .adminTLSError)
        }
        // serve's timeouts, at most 100 header fields, a cap of its own.
        let limits = ConnectionLimits(idleTimeout: c.idleTimeout, headerTimeout: c.headerTimeout, maxHeaderFields: 100,
                                      maxConnections: c.adminMaxConnections)
        return Admin(host: host, port: port, tokenFile: tokenFile, tls: tls,
                     verifyTrust: c.adminVerifyCAFile.map { .caFile($0) } ?? .system, limits: limits)
    }
}
