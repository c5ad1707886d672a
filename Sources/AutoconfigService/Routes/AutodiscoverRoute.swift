import ClientExport
import HTTPKit
import Hummingbird

/// `POST /autodiscover/autodiscover.xml`: Outlook's POX Autodiscover. The body is read
/// only up to the configured limit (413 beyond it) and parsed by `AutodiscoverRequest`;
/// a request for the mobile-sync (ActiveSync) schema gets Autodiscover's error 601.
/// The answer names the address, so it is made per request and not cached.
struct AutodiscoverRoute: Sendable {
    let store: SettingsStore
    let configuration: ServiceConfiguration

    func answer(_ request: Request, context: ServiceContext) async throws(ServiceRefusal) -> Response {
        let parsed: AutodiscoverRequest
        do { parsed = try AutodiscoverRequest(body: try await body(of: request), limit: configuration.maxRequestBody) } catch {
            throw ServiceRefusal(error.kind == .requestTooLarge ? .contentTooLarge : .badRequest, error.message, kind: error.kind)
        }
        let address = try RequestChecks.address(parsed.emailAddress[...], parameter: "EMailAddress")
        guard parsed.wantsOutlookSettings else {
            // Mobile sync (ActiveSync) or another schema: Autodiscover's own "no provider
            // for that schema", 200 as Exchange sends it, the same for every address.
            context.record.answered(domain: address.domain, address: address.description)
            return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: AutodiscoverExport.schemaNotServed())))
        }
        guard let provider = store.provider(for: address.domain) else { throw .unknown(address.domain) }
        let text: String
        do { text = try ServedAnswers.autodiscover(provider, address: address) } catch {
            throw ServiceRefusal(.notFound, "no Autodiscover answer for \(address.domain): \(error.message)")
        }
        context.record.answered(domain: address.domain, address: address.description)
        return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The body, refused before it is read when its Content-Length is over the limit, and
    /// while it arrives when it grows past it.
    func body(of request: Request) async throws(AutodiscoverRequest.Refusal) -> [UInt8] {
        let limit = configuration.maxRequestBody
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw .tooLarge(limit: limit) }
        var request = request
        do { return Array(try await request.collectBody(upTo: limit).readableBytesView) } catch {
            throw .tooLarge(limit: limit)
        }
    }
}
