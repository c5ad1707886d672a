import Catalog
import Foundation
import HTTPKit
import Hummingbird
import UseCases

/// What the admin API reads and writes, as JSON.
enum AdminBodies {
    struct Domain: Codable, Sendable, Equatable {
        var domain: String
        var provider: String
    }

    struct DomainList: Codable, Sendable { var domains: [Domain] }

    struct Mapping: Codable, Sendable { var provider: String }

    /// A server: the one shape `mailconf servers list --json` and `providers show --json`
    /// give too (docs/json.md).
    typealias Server = ServerJSON

    struct ServerList: Codable, Sendable { var servers: [Server] }

    /// A provider: the one shape `mailconf providers show --json` gives too (docs/json.md);
    /// without `servers` in lists.
    typealias Provider = ProviderJSON

    struct ProviderList: Codable, Sendable { var providers: [Provider] }

    /// Reads a JSON body of at most ``AdminAPI/largestBody`` bytes: 413 past it, 400 for
    /// what is not the JSON expected, naming the field.
    static func read<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: AdminAPI.largestBody)
        } catch {
            throw ServiceRefusal(.contentTooLarge, "the request body is over \(AdminAPI.largestBody) bytes", kind: .adminBodyTooLarge)
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw ServiceRefusal.badRequest("the field '\(path)' is missing", field: path)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ServiceRefusal.badRequest("the field '\(path)' has the wrong type: \(context.debugDescription)", field: path)
        } catch {
            throw ServiceRefusal.badRequest("the body is not the JSON object this endpoint takes (see docs/admin-api.yaml)")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension AdminBodies.Domain {
    init(_ o: OrganisationDomain) { self.init(domain: o.domain, provider: o.providerID) }
}
