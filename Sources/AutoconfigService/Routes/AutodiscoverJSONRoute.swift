import Foundation
import HTTPKit
import Hummingbird

/// Autodiscover v2 (JSON): which URL answers a protocol for an address, asked as
/// `/autodiscover/autodiscover.json?Email=ADDRESS&Protocol=...` or
/// `/autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=...`. Only AutodiscoverV1 (the
/// POX endpoint) is served; the other answers are the JSON errors Outlook reads.
struct AutodiscoverJSONRoute: Sendable {
    let store: SettingsStore
    let configuration: ServiceConfiguration

    func byQuery(_ request: Request, context: ServiceContext) throws(ServiceRefusal) -> Response {
        guard let raw = request.uri.queryParameters["Email"] ?? request.uri.queryParameters["email"] else {
            throw ServiceRefusal(.badRequest, "give the address as ?Email=you@example.com")
        }
        return try answer(request, address: raw, context: context)
    }

    /// The address is all the rest of the path, percent-decoded, in lower case as the
    /// whole path always was.
    func byPath(_ request: Request, context: ServiceContext) throws(ServiceRefusal) -> Response {
        let rest = (context.parameters.get(String(Parameters.recursiveCaptureKey)) ?? "").lowercased()
        return try answer(request, address: (rest.removingPercentEncoding ?? rest)[...], context: context)
    }

    struct Found: Encodable { var `Protocol`: String; var Url: String }
    struct Failure: Encodable { var ErrorCode: String; var ErrorMessage: String }

    func answer(_ request: Request, address raw: Substring, context: ServiceContext) throws(ServiceRefusal) -> Response {
        let address = try RequestChecks.address(raw, parameter: "Email")
        context.record.answered(domain: address.domain, address: address.description)
        let proto = request.uri.queryParameters["Protocol"] ?? request.uri.queryParameters["protocol"] ?? ""
        guard proto.lowercased() == "autodiscoverv1" else {
            return json(.badRequest, Failure(ErrorCode: "InvalidProtocol",
                ErrorMessage: "The given protocol value is invalid. Supported values are 'AutodiscoverV1'."))
        }
        guard store.provider(for: address.domain) != nil else {
            return json(.notFound, Failure(ErrorCode: "NotFound", ErrorMessage: "no mail settings for \(address.domain) on this server"))
        }
        let base = configuration.publicBaseURL ?? "https://autodiscover.\(address.domain)"
        return json(.ok, Found(Protocol: "AutodiscoverV1", Url: base + "/autodiscover/autodiscover.xml"))
    }

    func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data())))
    }
}
