import ACME
import ClientExport
import Foundation
import Logging
import ServiceLifecycle
import WebFetch

/// `serve --acme-directory`: certificates for autoconfig.D and autodiscover.D of every
/// organisation domain D, from an ACME CA, kept renewed while serving.
public struct ACMESettings: Sendable {
    public var directoryURL: String
    public var email: String
    /// PEM CAs to trust for the ACME server itself (a test CA such as pebble's).
    public var caFile: String?
    /// Where the account and certificates live (a folder per directory URL inside it).
    public var storage: String
    public var renewAfter: TimeInterval?
    public var tick: Duration = .seconds(10)

    public init(directoryURL: String, email: String, caFile: String?, storage: String, renewAfter: TimeInterval? = nil) {
        self.directoryURL = directoryURL
        self.email = email
        self.caFile = caFile
        self.storage = storage
        self.renewAfter = renewAfter
    }

    /// The names a domain's certificate carries.
    public static func names(for domain: String) -> [String] {
        ["autoconfig." + domain, "autodiscover." + domain, UserAgentConfiguration.host(for: domain)]
    }
}

/// What serve runs for ACME: the certificates it serves, and the keeper beside the
/// server, which answers challenges through the board it is given.
public struct CertificateService: Service {
    public let certificates: ServedCertificates
    public let keeper: CertificateKeeper
    let ready: ListenersReady

    /// Reads the account and the stored certificates (installed at once), ready to run.
    /// - signers: given when profiles are signed: each domain's are signed with its certificate.
    /// - challenges: the board the routes answer HTTP-01 from (the configuration's).
    public init(settings: ACMESettings, store: SettingsStore, challenges: ChallengeBoard, signers: ProfileSigners?,
                ready: ListenersReady,
                logger: Logger) throws(ACMEError) {
        let files = try CertificateStore(folder: CertificateStore.folder(base: settings.storage, directoryURL: settings.directoryURL))
        let key = try files.accountKey()
        let client = ACMEClient(directoryURL: settings.directoryURL, key: key, accountURL: try files.accountURL(),
                                fetch: HTTPFetch(caFile: settings.caFile, timeout: 20))
        let certificates = ServedCertificates()
        var configuration = CertificateKeeper.Configuration(contact: ["mailto:" + settings.email], renewAfter: settings.renewAfter)
        configuration.tick = settings.tick
        keeper = CertificateKeeper(
            client: client, store: files, responder: challenges, configuration: configuration,
            domains: { store.organisationDomains }, names: ACMESettings.names(for:),
            install: { domain, issued in
                do {
                    try certificates.install(names: issued.names, chainPEM: issued.chainPEM, keyPEM: issued.keyPEM)
                } catch {
                    logger.error("cannot serve the certificate for \(domain) from \(files.folder): \(error)")
                    return
                }
                if let signers {
                    do {
                        signers.set(try ProfileSigner(chainPEM: issued.chainPEM, keyPEM: issued.keyPEM, chainName: "the ACME certificate of \(domain)",
                                                      keyName: "its key"), for: domain)
                    } catch { logger.error("cannot sign \(domain)'s profiles with its ACME certificate: \(error)") }
                }
            },
            logger: logger)
        self.certificates = certificates
        self.ready = ready
        keeper.loadStored()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await ready.wait()
            await keeper.run()
        }
    }
}
