import HTTPKit
import Hummingbird
import MailSettings

/// Thunderbird's autoconfig file for a domain, asked for by address (`?emailaddress=`),
/// by Host (`autoconfig.DOMAIN`, as Thunderbird for Android asks) or by path (the ISPDB
/// layout). The same bytes, built once per domain, for everyone.
struct ThunderbirdRoutes: Sendable {
    let store: SettingsStore

    /// `/mail/config-v1.1.xml` and `/.well-known/autoconfig/mail/config-v1.1.xml`.
    func byAddressOrHost(_ request: Request, context: ServiceContext) throws(ServiceRefusal) -> Response {
        let (address, domain) = try RequestChecks.addressAndDomain(request)
        return try file(for: domain, address: address, context: context)
    }

    /// `/v1.1/DOMAIN`: all the rest of the path, so a path with more segments is refused
    /// as not a domain rather than not found.
    func byPath(_ request: Request, context: ServiceContext) throws(ServiceRefusal) -> Response {
        let raw = context.parameters.get(String(Parameters.recursiveCaptureKey)) ?? ""
        let domain = try RequestChecks.domain(raw, what: "the domain in the path")
        return try file(for: domain, address: nil, context: context)
    }

    func file(for domain: String, address: EmailAddress?, context: ServiceContext) throws(ServiceRefusal) -> Response {
        let body: CachedBody?
        do { body = try store.thunderbird(for: domain) } catch {
            throw ServiceRefusal(.notFound, "\(domain) has no settings a Thunderbird file can carry: \(error.message)")
        }
        guard let body else { throw .unknown(domain) }
        context.record.answered(domain: domain, address: address?.description)
        return body.response(contentType: "application/xml; charset=utf-8")
    }
}
