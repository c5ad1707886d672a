import Catalog
import Foundation
import HTTPKit
import Hummingbird
import MailSettings

/// What the admin API reads and writes, as JSON.
enum AdminBodies {
    struct Domain: Codable, Sendable, Equatable {
        var domain: String
        var provider: String
    }

    struct DomainList: Codable, Sendable { var domains: [Domain] }

    struct Mapping: Codable, Sendable { var provider: String }

    struct Server: Codable, Sendable, Equatable {
        var id: Int64?
        /// For the user's own servers.
        var provider: String?
        var description: String?
        var `protocol`: String
        var hostname: String?
        var port: Int?
        var security: String?
        var authentication: [String]
        var username: String?
        var url: String?

        init(_ s: ServerSetting, id: Int64?) {
            self.id = id
            self.protocol = s.protocol.rawValue
            hostname = s.hostname?.name
            port = s.port.map { Int($0.value) }
            security = s.security?.rawValue
            authentication = s.authenticationChoices.map(\.description)
            username = s.username?.text
            url = s.url
        }
    }

    struct ServerList: Codable, Sendable { var servers: [Server] }

    struct Provider: Codable, Sendable {
        var id: String
        var name: String
        var kind: String
        var origin: String
        var domains: [String]
        var servers: [Server]?

        init(_ e: CatalogEntry, withServers: Bool) {
            id = e.provider.id
            name = e.provider.displayName
            kind = e.provider.kind.rawValue
            origin = e.origin.rawValue
            domains = e.provider.domains
            servers = withServers ? zip(e.provider.servers, e.serverIDs).map { Server($0, id: $1) } : nil
        }
    }

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
