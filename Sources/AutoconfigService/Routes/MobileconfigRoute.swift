import ClientExport
import HTTPKit
import Hummingbird

/// `/email.mobileconfig`: the Apple configuration profile for an address (or, with no
/// address, for the domain the Host names), offered as a download; signed when the
/// service was given a signer (`serve --sign-profiles`).
struct MobileconfigRoute: Sendable {
    let store: SettingsStore
    let signers: ProfileSigners?

    func profile(_ request: Request, context: ServiceContext) throws(ServiceRefusal) -> Response {
        let (address, domain) = try RequestChecks.addressAndDomain(request)
        guard let provider = store.provider(for: domain) else { throw .unknown(domain) }
        let text: String
        do { text = try ExportFormat.mobileconfig.render(provider, address: address) } catch {
            throw ServiceRefusal(.notFound, "no mail profile for \(domain): \(error.message)")
        }
        let body: CachedBody
        if let signer = signers?.signer(for: domain) {
            do { body = CachedBody(bytes: try signer.sign(Array(text.utf8))) } catch {
                throw ServiceRefusal(.internalServerError, "cannot sign the profile for \(domain): \(error.message)")
            }
        } else {
            body = CachedBody(text)
        }
        context.record.answered(domain: domain, address: address?.description)
        return body.response(contentType: "application/x-apple-aspen-config",
                                         headers: [.contentDisposition: "attachment; filename=\"\(domain).mobileconfig\""])
    }
}
