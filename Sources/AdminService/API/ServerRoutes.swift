import Catalog
import Foundation
import HTTPKit
import Hummingbird
import Logging
import MailNet
import MailSettings
import SASL
import Validator

/// The user's own servers: list, add, edit, remove, and verify one now.
struct ServerRoutes: Sendable {
    let catalog: Catalog
    let logger: Logger
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

    static func body(_ s: UserServer) -> AdminBodies.Server {
        var b = AdminBodies.Server(s.server, id: s.id)
        b.provider = s.providerID
        b.description = s.server.description
        return b
    }

    func list() throws -> Response {
        do { return try AdminBodies.json(AdminBodies.ServerList(servers: try catalog.userServers().map(Self.body))) }
        catch let e as CatalogError { throw ServiceRefusal.from(e) }
    }

    func add(_ request: Request, _ context: AdminContext) async throws -> Response {
        let stored = try create(try await AdminBodies.read(NewServer.self, from: request), context)
        return try AdminBodies.json(Self.body(stored), status: .created)
    }

    func edit(_ request: Request, _ context: AdminContext) async throws -> Response {
        let id = try Self.id(context)
        let stored = try change(id: id, try await AdminBodies.read(Change.self, from: request), context)
        return try AdminBodies.json(Self.body(stored))
    }

    /// Adds a server as `POST /servers` and the page's form do: validated as the CLI
    /// validates it, then stored.
    func create(_ b: NewServer, _ context: AdminContext) throws(ServiceRefusal) -> UserServer {
        let server: ServerSetting
        do {
            server = try ServerSetting(
                protocol: try b.protocol.map { p throws(MailSettings.ValidationError) in try ServerProtocol(parsing: p) } ?? .smtp,
                description: b.description, hostname: try Hostname(b.hostname), port: try Port(b.port),
                security: try ConnectionSecurity(parsing: b.security),
                choices: try b.authentication.map { a throws(MailSettings.ValidationError) in try AuthenticationChoice(parsing: a) },
                username: try b.username.map { u throws(MailSettings.ValidationError) in try UsernameTemplate(u) })
        } catch { throw ServiceRefusal.invalid(error) }
        do {
            let id = try catalog.addServer(server, toProvider: b.provider, displayName: b.name, domains: b.domains ?? [])
            guard let stored = try catalog.server(id: id)?.server else { throw ServiceRefusal.notFound("server \(id) vanished") }
            logger.info("admin \(context.tokenLabel ?? "?"): added server #\(id) to \(stored.providerID)")
            return stored
        } catch let e as CatalogError { throw ServiceRefusal.from(e) } catch let e as ServiceRefusal { throw e } catch {
            throw ServiceRefusal.badRequest("\(error)")
        }
    }

    /// Edits a server as `PATCH /servers/{id}` and the page's form do.
    func change(id: Int64, _ c: Change, _ context: AdminContext) throws(ServiceRefusal) -> UserServer {
        do {
            _ = try catalog.editServer(id: id) { old throws(MailSettings.ValidationError) in
                var new = old
                if let p = c.protocol { new.protocol = try ServerProtocol(parsing: p) }
                if let h = c.hostname { new.hostname = try Hostname(h) }
                if let p = c.port { new.port = try Port(p) }
                if let s = c.security { new.security = try ConnectionSecurity(parsing: s) }
                if let a = c.authentication { new.authenticationChoices = try a.map { n throws(MailSettings.ValidationError) in try AuthenticationChoice(parsing: n) } }
                if let u = c.username { new.username = u.isEmpty ? nil : try UsernameTemplate(u) }
                if let d = c.description { new.description = d.isEmpty ? nil : d }
                return new
            }
            guard let stored = try catalog.server(id: id)?.server else { throw ServiceRefusal.notFound("server \(id) vanished") }
            logger.info("admin \(context.tokenLabel ?? "?"): edited server #\(id)")
            return stored
        } catch let e as CatalogError { throw ServiceRefusal.from(e) } catch let e as ServiceRefusal { throw e } catch {
            throw ServiceRefusal.badRequest("\(error)")
        }
    }

    func remove(_ context: AdminContext) throws -> Response {
        let id = try Self.id(context)
        do {
            try catalog.removeServer(id: id)
            logger.info("admin \(context.tokenLabel ?? "?"): removed server #\(id)")
            return Response(status: .noContent)
        } catch let e as CatalogError { throw ServiceRefusal.from(e) }
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
        let found: (server: UserServer, origin: ProviderOrigin)?
        do { found = try catalog.server(id: id) } catch { throw ServiceRefusal.from(error) }
        guard let found else { throw ServiceRefusal.notFound("no server #\(id); GET /servers lists them") }
        var check = VerifyRequest(setting: found.server.server, username: login.username, secret: login.password.map(Secret.init),
                                  trust: trust, timeout: 10)
        check.logIn = login.password != nil
        // As `mailconf verify` does: on a failure another setting may get around, the
        // other ports and securities on the same host are tried, and the one that works named.
        let result = await LiveCheck.verifyWithAlternatives(check)
        do {
            try catalog.recordVerification(providerID: found.server.providerID, setting: found.server.server.summary, ok: result.ok,
                                           kind: result.kind?.name, message: result.message)
        } catch { throw ServiceRefusal.from(error) }
        logger.info("admin \(context.tokenLabel ?? "?"): verified server #\(id): \(result.ok ? "works" : result.kind?.name ?? "fails")")
        return result
    }
}
