import ACME
import ArgumentParser
import AutoconfigService
import Foundation
import MailSettings

/// serve's ACME options: where the certificates come from, and how the CA checks them.
struct ACMEOptions: ParsableArguments {
    @Option(name: .customLong("acme-directory"), help: ArgumentHelp("Get the https certificates from this ACME directory.", valueName: "url"))
    var directory: String?

    @Option(name: .customLong("acme-email"), help: ArgumentHelp("Contact address for the ACME account (the CA's expiry notices).", valueName: "address"))
    var email: String?

    @Option(name: .customLong("acme-ca-file"), help: ArgumentHelp("PEM CAs to trust for the ACME server itself (a test CA).", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("acme-storage"), help: ArgumentHelp("Folder for the ACME account key and certificates (default: 'acme' beside the catalog).", valueName: "folder"))
    var storage: String?

    @Option(name: .customLong("acme-challenge"), help: ArgumentHelp("Challenges to answer, in order of preference (default: http-01 with --http-port, then tls-alpn-01).", valueName: "http-01|tls-alpn-01"))
    var challenge: [String] = []

    @Option(name: .customLong("acme-renew-after"), help: ArgumentHelp("Renew this many seconds after obtaining, when sooner than at two-thirds of the lifetime (for tests and short-lived CAs).", valueName: "seconds"))
    var renewAfter: Double?

    var enabled: Bool { directory != nil }

    /// - httpPort: serve's plain-HTTP listener, where HTTP-01 is answered.
    func validate(httpPort: Int?) throws {
        guard let directory else {
            for (name, given) in [("--acme-email", email != nil), ("--acme-ca-file", caFile != nil), ("--acme-storage", storage != nil),
                                  ("--acme-challenge", !challenge.isEmpty), ("--acme-renew-after", renewAfter != nil)] where given {
                throw ArgumentParser.ValidationError("\(name) is for ACME: add --acme-directory URL")
            }
            return
        }
        guard directory.hasPrefix("https://"), URL(string: directory)?.host != nil else {
            throw ArgumentParser.ValidationError("--acme-directory \(directory): expected the https:// URL of an ACME directory, such as https://acme-v02.api.letsencrypt.org/directory")
        }
        guard let email, (try? EmailAddress(email)) != nil else {
            throw ArgumentParser.ValidationError("--acme-directory needs --acme-email ADDRESS, a valid contact address for the account")
        }
        for kind in challenge where ChallengeKind(rawValue: kind) == nil {
            throw ArgumentParser.ValidationError("--acme-challenge \(kind): expected http-01 or tls-alpn-01")
        }
        if challenge.contains(ChallengeKind.http01.rawValue) && httpPort == nil {
            throw ArgumentParser.ValidationError("--acme-challenge http-01 is answered on the plain-HTTP listener: add --http-port 80")
        }
        if let renewAfter, !(renewAfter > 0) {
            throw ArgumentParser.ValidationError("--acme-renew-after \(renewAfter): expected seconds, more than 0")
        }
    }

    /// The challenges to answer: as asked, else HTTP-01 where there is a plain listener,
    /// then TLS-ALPN-01.
    func kinds(httpPort: Int?) -> [ChallengeKind] {
        challenge.isEmpty ? (httpPort == nil ? [.tlsALPN01] : [.http01, .tlsALPN01]) : challenge.compactMap(ChallengeKind.init(rawValue:))
    }

    /// The settings, with the storage beside the catalog unless given; nil with ACME off.
    func settings(catalogPath: String) -> ACMESettings? {
        guard let directory, let email else { return nil }
        let folder = storage ?? ((catalogPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("acme")
        return ACMESettings(directoryURL: directory, email: email, caFile: caFile, storage: folder, renewAfter: renewAfter)
    }
}
