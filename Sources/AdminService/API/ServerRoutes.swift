import Catalog
import Foundation
import HTTPKit
import Hummingbird
import Logging
import MailNet
import MailSettings
import SASL
import UseCases
import Validator

/// The user's own servers: list, add, edit, remove, and verify one now.
struct ServerRoutes: Sendable {
    let catalog: Catalog
    let logger: Logger
    var edits: ServerEdits { ServerEdits(catalog: catalog) }
    /// Whose certificates `verify` trusts.
    let trust: TrustPolicy

    struct NewServer: Decodable, Sendable {
        var provider: String
        var name: String?
        var domains: [String]?
        var `protocol`: String?
        var hostname: String
        var port: Int
        var security: String
        var authentication: [String]
        var username: String?
        var description: String?

        var fields: ServerFieldText {
            ServerFieldText(protocol: self.protocol, hostname: hostname, port: String(port), security: security,
                            authentication: authentication, username: username, description: description)
        }
    }

    /// Absent fields stay as they are; an empty username removes it.
    struct Change: Decodable, Sendable {
        var `protocol`: String?
        var hostname: String?
        var port: Int?
        var security: String?
        var authentication: [String]?
        var username: String?
        var description: String?

        var fields: ServerFieldText {
            ServerFieldText(protocol: self.protocol, hostname: hostname, port: port.map { String($0) }, security: security,
                            authentication: authentication, username: username.flatMap { $0.isEmpty ? nil : $0 },
                            clearUsername: username?.isEmpty == true, description: description)
        }
    }

    var routes: [Route<AdminContext>] {
        [
            Route(.get, "/servers") { _, _ in try list() },
            Route(.post, "/servers") { request, context in try await add(request, context) },
            Route(.patch, "/servers/{id}") { request, context in try await edit(request, context) },
            Route(.delete, "/servers/{id}") { _, context in try remove(context) },
            Route(.post, "/servers/{id}/verify") { request, context in try await verify(request, context) },
        ]
    }

    static func id(_ context: AdminContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw ServiceRefusal.notFound("no server '\(text)': ids are whole numbers; GET /servers lists them") }
        return id
    }

    func list() throws -> Response {
        do { return try AdminBodies.json(AdminBodies.ServerList(servers: try catalog.userServers().map(ServerJSON.init))) }
        catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func add(_ request: Request, _ context: AdminContext) async throws -> Response {
        let stored = try create(try await AdminBodies.read(NewServer.self, from: request), context)
        return try AdminBodies.json(ServerJSON(stored), status: .created)
    }

    func edit(_ request: Request, _ context: AdminContext) async throws -> Response {
        let id = try Self.id(context)
        let stored = try change(id: id, try await AdminBodies.read(Change.self, from: request), context)
        return try AdminBodies.json(ServerJSON(stored))
    }

    /// Adds a server as `POST /servers` and the page's form do: validated as the CLI
    /// validates it, then stored.
    func create(_ b: NewServer, _ context: AdminContext) throws(ServiceRefusal) -> UserServer {
        let server: ServerSetting
        do { server = try ServerPatch(parsing: b.fields).newServer() } catch { throw ServiceRefusal.invalid(error) }
        do {
            let stored = try edits.add(server, toProvider: b.provider, displayName: b.name, domains: b.domains ?? [])
            logger.info("admin \(context.tokenLabel ?? "?"): added server #\(stored.id) to \(stored.providerID)")
            return stored
        } catch { throw ServiceRefusal.from(error) }
    }

    /// Edits a server as `PATCH /servers/{id}` and the page's form do.
    func change(id: Int64, _ c: Change, _ context: AdminContext) throws(ServiceRefusal) -> UserServer {
        let patch: ServerPatch
        do { patch = try ServerPatch(parsing: c.fields) } catch { throw ServiceRefusal.invalid(error) }
        do {
            let stored = try edits.edit(id: id, patch)
            logger.info("admin \(context.tokenLabel ?? "?"): edited server #\(id)")
            return stored
        } catch { throw ServiceRefusal.from(error) }
    }

    func remove(_ context: AdminContext) throws -> Response {
        let id = try Self.id(context)
        do {
            try edits.remove(id: id)
            logger.info("admin \(context.tokenLabel ?? "?"): removed server #\(id)")
            return Response(status: .noContent)
        } catch { throw ServiceRefusal.from(error) }
    }

    /// A login to try: kept for this one check, never stored or logged.
    struct Login: Decodable, Sendable {
        var username: String?
        var password: String?
    }

    /// Connects as `mailconf verify` does and records the outcome beside the server's
    /// provider. With a body `{"username", "password"}` it logs in too; without one it
    /// stops before AUTH (the API stores no password), which the report says.
    func verify(_ request: Request, _ context: AdminContext) async throws -> Response {
        let id = try Self.id(context)
        var login = Login()
        if let length = request.headers[.contentLength].flatMap(Int.init), length > 0 {
            login = try await AdminBodies.read(Login.self, from: request)
        }
        return try AdminBodies.json(try await check(id: id, login, context))
    }

    /// Runs the validator on server `id` and records the outcome, for the API and the page.
    func check(id: Int64, _ login: Login, _ context: AdminContext) async throws(ServiceRefusal) -> VerifyResult {
        let result: VerifyResult
        do {
            result = try await Verification.checkStored(id: id, username: login.username, password: login.password.map(Secret.init),
                                                        trust: trust, in: catalog)
        } catch .unknownServer {
            throw ServiceRefusal.notFound("no server #\(id); GET /servers lists them")
        } catch { throw ServiceRefusal.from(error) }
        logger.info("admin \(context.tokenLabel ?? "?"): verified server #\(id): \(result.ok ? "works" : result.kind?.name ?? "fails")")
        return result
    }
}
