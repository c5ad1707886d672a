import Catalog
import Failures
import Foundation
import HTTPTypes
import Hummingbird
import MailSettings

/// An admin API refusal: the status, and the JSON body `{"error": {"kind", "message",
/// "field"}}` that says what was wrong, where and what to do.
struct AdminError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var kind: String
    var message: String
    var field: String?
    var headers: HTTPFields = [:]

    struct Body: Codable {
        struct Inner: Codable { var kind: String; var message: String; var field: String? }
        var error: Inner
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: .init(kind: kind, message: message, field: field)))
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func badRequest(_ message: String, field: String? = nil) -> AdminError {
        AdminError(status: .badRequest, kind: "bad-request", message: message, field: field)
    }

    static func notFound(_ message: String) -> AdminError {
        AdminError(status: .notFound, kind: "not-found", message: message)
    }

    /// The catalog's refusals, each with the status that fits it.
    static func from(_ error: CatalogError) -> AdminError {
        switch error {
        case .invalid(let v):
            return AdminError(status: .unprocessableContent, kind: v.kind.name, message: v.description, field: v.field)
        case .unknownProvider:
            return AdminError(status: .unprocessableContent, kind: error.kind.name, message: error.description, field: "provider")
        case .domainUnknown, .unknownServer:
            return AdminError(status: .notFound, kind: error.kind.name, message: error.description)
        case .domainTaken, .idTaken, .providerInUse:
            return AdminError(status: .conflict, kind: error.kind.name, message: error.description)
        case .readOnlyPreset:
            return AdminError(status: .forbidden, kind: error.kind.name, message: error.description)
        default:
            return AdminError(status: .serviceUnavailable, kind: error.kind.name, message: error.description)
        }
    }
}
