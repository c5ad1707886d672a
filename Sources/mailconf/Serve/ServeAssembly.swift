import ACME
import AdminService
import AutoconfigService
import Catalog
import ClientExport
import Foundation
import HTTPKit
import Logging
import ServiceLifecycle

/// `serve`'s composition root: from a ``ServeConfiguration`` to the running service, the
/// catalog opened, profiles signed, certificates kept by ACME and the admin listener
/// beside it. It lives with the command line because it is the one place that sees both
/// AutoconfigService and AdminService (which sits above the use cases).
struct ServeAssembly {
    let configuration: ServeConfiguration
    let logger: Logger

    func run() async throws {
        let readOnly = try openCatalog()
        var service = configuration.service
        service.profileSigners = try signers()
        let ready = ListenersReady(listeners: configuration.httpPort == nil ? 1 : 2)
        let acme = configuration.acme.settings(catalogPath: filesBeside(readOnly))
        if acme != nil { service.challenges = ChallengeBoard(kinds: configuration.acme.kinds(httpPort: configuration.httpPort)) }
        let store = try attempt { try SettingsStore(catalog: readOnly, configuration: service, logger: logger) }
        var extras = AutoconfigServer.Extras(httpPort: configuration.httpPort, ready: ready)
        if let acme, let board = service.challenges {
            let keeper = try certificates(acme, store: store, board: board, signers: service.profileSigners, ready: ready)
            extras.certificates = keeper.certificates
            extras.services = [keeper]
        }
        if let admin = configuration.admin { extras.services.append(try adminService(admin)) }
        if store.domainCount == 0 {
            logger.warning("no organisation domains in \(readOnly.path): add one with 'mailconf domains add DOMAIN --provider ID', or use --all-domains")
        }
        try await serve(store: store, service: service, extras: extras, https: configuration.tls != nil || acme != nil)
    }

    /// Creates and seeds a SQLite catalog on first use, then serves from a read-only open.
    /// A catalog this process may not write (a root-owned file under systemd) is served as
    /// it is; a PostgreSQL one is only read (a command that writes makes its tables, so a
    /// replica needs no more than a read-only role).
    func openCatalog() throws -> Catalog {
        let catalog = configuration.catalog
        let given = catalog.location
        if !catalog.isPostgres && !(FileManager.default.fileExists(atPath: given) && !FileManager.default.isWritableFile(atPath: given)) {
            _ = try catalog.open()
        }
        return try catalog.open(readOnly: true)
    }

    /// ACME keeps its files beside a SQLite catalog; beside the default one otherwise.
    func filesBeside(_ catalog: Catalog) -> String {
        guard configuration.catalog.isPostgres else { return catalog.path }
        var environment = ProcessInfo.processInfo.environment
        environment["MAILCONF_DB"] = nil
        return Catalog.defaultPath(environment: environment)
    }

    func signers() throws -> ProfileSigners? {
        guard let signing = configuration.signing else { return nil }
        var fallback: ProfileSigner?
        if let chain = signing.chainFile, let key = signing.keyFile {
            fallback = try attempt { try ProfileSigner(chainFile: chain, keyFile: key) }
        }
        if let fallback { logger.info("signing Apple profiles as \(fallback.certificate.subject)") }
        return ProfileSigners(fallback: fallback)
    }

    /// The ACME certificate keeper. With no --sign-cert, each domain's profiles are signed
    /// with its own ACME certificate (the https one until it has one).
    func certificates(_ settings: ACMESettings, store: SettingsStore, board: ChallengeBoard, signers: ProfileSigners?,
                      ready: ListenersReady) throws -> CertificateService {
        let explicit = configuration.signing?.explicit ?? false
        let service = try attempt {
            try CertificateService(settings: settings, store: store, challenges: board, signers: explicit ? nil : signers,
                                   ready: ready, logger: logger)
        }
        logger.info("ACME: certificates from \(settings.directoryURL) for \(store.organisationDomains.count) domains, stored in \(service.keeper.storeFolder), challenges \(board.kinds.map(\.rawValue).joined(separator: ", "))")
        return service
    }

    /// The admin listener; it writes, so it gets a catalog of its own opened for writing.
    func adminService(_ admin: ServeConfiguration.Admin) throws -> any Service {
        let tokens: AdminTokens
        do { tokens = try AdminTokens(file: admin.tokenFile) } catch {
            throw CLIError(kind: .adminTokens, message: "\(error)")
        }
        let writable = try configuration.catalog.open()
        let listener = Listener(host: admin.host, port: admin.port, limits: admin.limits, hostOption: "--admin", portOption: "--admin")
        let service = try AdminAPI.application(catalog: writable, tokens: tokens, listener: listener, tls: admin.tls,
                                               verifyTrust: admin.verifyTrust,
                                               clientConfigVersion: configuration.service.clientConfigVersion, logger: logger)
        if !["127.0.0.1", "::1", "localhost"].contains(admin.host) && admin.tls == nil {
            logger.warning("the admin API listens on \(admin.host), not on loopback, without TLS: give --admin-tls-cert and --admin-tls-key, or only a network you trust")
        }
        return service
    }

    /// Runs serve's listener until SIGTERM or SIGINT. A certificate or key that cannot be
    /// used is a ListenerError (kind tls-error), which Mailconf.main reports like every
    /// other failure.
    func serve(store: SettingsStore, service: ServiceConfiguration, extras: AutoconfigServer.Extras, https: Bool) async throws {
        let (host, limits) = (configuration.host, configuration.limits)
        let domains = store.domainCount
        if configuration.connectionsFromFileLimit {
            logger.info("at most \(limits.maxConnections) connections at once (from the open-file limit)")
        }
        try await AutoconfigServer.serve(
            store: store, configuration: service, limits: limits, host: host, port: configuration.port, tls: configuration.tls,
            extras: extras, logger: logger,
            onRunning: { bound in
                print("mailconf serve: listening on \(Listener.url(scheme: https ? "https" : "http", host: host, port: bound))/ for \(domains) domains")
                fflush(nil)
                // Under systemd (Type=notify): the port answers now.
                SystemdNotifier().ready(status: "serving \(domains) domains on port \(bound)")
            })
    }
}
