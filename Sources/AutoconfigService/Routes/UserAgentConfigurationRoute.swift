import ClientExport
import HTTPKit
import Hummingbird

/// Apple's user-agent auto-configuration: `/.well-known/user-agent-configuration.json`,
/// asked at `ua-auto-config.DOMAIN`, the domain taken from the Host header. The same
/// bytes, built once per domain, for everyone: its digest is published in DNS.
struct UserAgentConfigurationRoute: Sendable {
    let store: SettingsStore

    func answer(_ request: Request, context: ServiceContext) throws(ServiceRefusal) -> Response {
        let domain = try RequestChecks.domain(fromHost: request.head.authority)
        let body: CachedBody?
        do { body = try store.userAgentConfiguration(for: domain) } catch {
            throw ServiceRefusal(.notFound, "\(domain) has no settings a user-agent configuration can carry: \(error.message)")
        }
        guard let body else { throw .unknown(domain) }
        context.record.answered(domain: domain, address: nil)
        return body.response(contentType: "application/json")
    }
}
