import Catalog
import ClientExport
import Foundation
import HTTPKit
import HTTPTypes
import Hummingbird
import Logging
import MailFormats
import MailSettings
import UseCases
import Validator

/// The web admin page under `/ui/`: sign in with a token, then the organisation domains
/// (with a preview of what Thunderbird gets), the user's servers (with their last
/// verification), add, edit, remove and verify now. Forms post and are answered with a
/// redirect (or the page again, with the refusal beside the form and what was typed
/// kept); they need no JavaScript. The writes are the API's, under the token's label.
struct PageRoutes: Sendable {
    static let sessionCookie = "mailconf_admin"
    static let signInCookie = "mailconf_sign_in"

    let catalog: Catalog
    let tokens: AdminTokens
    let sessions: PageSessions
    let limiter: RateLimitMiddleware
    /// Sign-in attempts per peer address.
    let signIns: RateLimitMiddleware
    let servers: ServerRoutes
    let logger: Logger
    /// The listener is on TLS: cookies are `Secure`.
    let secure: Bool
    let clientConfigVersion: ClientConfig.Version
    var domains: DomainMapping { DomainMapping(catalog: catalog) }

    var routes: [Route<AdminContext>] {
        let open: [Route<AdminContext>] = [
            Route(.get, "/") { _, _ in PageResponse.redirect(to: "/ui/") },
            Route(.get, "/ui/assets/admin.css") { _, _ in PageResponse.asset(PageAssets.css, contentType: "text/css; charset=utf-8") },
            Route(.get, "/ui/assets/admin.js") { _, _ in PageResponse.asset(PageAssets.js, contentType: "text/javascript; charset=utf-8") },
            Route(.get, "/ui/login") { request, _ in signInPage(request) },
            Route(.post, "/ui/login") { request, context in try await signIn(request, context) },
        ]
        let signedIn: [Route<AdminContext>] = [
            Route(.get, "/ui") { _, context in try dashboard(context) },
            Route(.post, "/ui/logout") { _, context in signOut(context) },
            Route(.post, "/ui/domains") { _, context in try addDomain(context) },
            Route(.post, "/ui/domains/{domain}/provider") { _, context in try mapDomain(context) },
            Route(.post, "/ui/domains/{domain}/remove") { _, context in try removeDomain(context) },
            Route(.post, "/ui/servers") { _, context in try addServer(context) },
            Route(.get, "/ui/servers/{id}") { _, context in try serverPage(context) },
            Route(.post, "/ui/servers/{id}") { _, context in try editServer(context) },
            Route(.post, "/ui/servers/{id}/remove") { _, context in try removeServer(context) },
            Route(.post, "/ui/servers/{id}/verify") { _, context in try await verifyServer(context) },
        ]
        let session = PageSessionMiddleware(sessions: sessions, limiter: limiter)
        return open + signedIn.map { route in
            var guarded = route
            guarded.answer = { request, context in try await session.handle(request, context: context, next: route.answer) }
            return guarded
        }
    }

    // MARK: - Signing in and out

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/ui", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The sign-in form. Its CSRF token is also set as a short-lived cookie, and the two
    /// must match when the form comes back (there is no session yet to hold it).
    func signInPage(_ request: Request, problem: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        if problem == nil, let cookie = request.cookies[Self.sessionCookie]?.value, sessions.find(cookie) != nil {
            return PageResponse.redirect(to: "/ui/")
        }
        let token = ConstantTime.randomToken()
        var response = PageResponse.html(PageViews.login(csrf: token, problem: problem), status: status)
        response.setCookie(cookie(Self.signInCookie, token, maxAge: 900))
        return response
    }

    func signIn(_ request: Request, _ context: AdminContext) async throws -> Response {
        let peer = context.remoteAddress?.ipAddress ?? "?"
        if let wait = signIns.take("sign-in:\(peer)") {
            let seconds = Int(wait.rounded(.up))
            throw ServiceRefusal(.tooManyRequests, "too many sign-in attempts from \(peer): wait \(seconds) s",
                              headers: [.retryAfter: String(seconds)])
        }
        let form = try await PageForm.read(request)
        guard let sent = form["csrf"], let expected = request.cookies[Self.signInCookie]?.value,
              ConstantTime.equal(Array(sent.utf8), Array(expected.utf8)) else {
            throw ServiceRefusal(.forbidden, "refused: the sign-in form came without its CSRF token; reload the sign-in page and try again")
        }
        guard let token = form["token"], token.count <= 1024, let label = tokens.label(for: Substring(token)) else {
            logger.notice("admin page: a sign-in from \(peer) gave a token that is not one of --admin-token-file's")
            return signInPage(request, problem: "That is not one of the tokens in --admin-token-file.", status: .unauthorized)
        }
        let session = sessions.open(label: label)
        logger.info("admin page: \(label) signed in from \(peer)")
        var response = PageResponse.redirect(to: "/ui/")
        response.setCookie(cookie(Self.sessionCookie, session))
        response.setCookie(cookie(Self.signInCookie, "", maxAge: 0))
        return response
    }

    func signOut(_ context: AdminContext) -> Response {
        if let session = context.session { sessions.close(session) }
        var response = PageResponse.redirect(to: "/ui/login")
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    // MARK: - Domains and servers

    static func session(_ context: AdminContext) throws -> PageSessions.Session {
        guard let session = context.session else { throw ServiceRefusal(.unauthorized, "sign in first") }
        return session
    }

    static func form(_ context: AdminContext) -> PageForm { context.form ?? PageForm(fields: [:]) }

    /// Back to `location` with a notice for the page shown there.
    func done(_ context: AdminContext, _ notice: String, to location: String = "/ui/") -> Response {
        if let session = context.session { sessions.setNotice(notice, for: session) }
        return PageResponse.redirect(to: location)
    }

    func dashboard(_ context: AdminContext, problem: PageViews.Problem? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let session = try Self.session(context)
        let view: PageViews.Dashboard
        do {
            let entries = try catalog.entries()
            let byID = Dictionary(entries.map { ($0.provider.id, $0.provider) }, uniquingKeysWith: { a, _ in a })
            let domains = try catalog.organisationDomains().map { o in
                PageViews.DomainRow(domain: o.domain, provider: o.providerID, preview: preview(byID[o.providerID], domain: o.domain))
            }
            let servers = try catalog.userServers()
            var last: [String: [String: VerificationRecord]] = [:]
            for provider in Set(servers.map(\.providerID)) { last[provider] = try catalog.lastVerifications(providerID: provider) }
            view = PageViews.Dashboard(
                catalog: catalog.path, domains: domains,
                servers: servers.map { PageViews.ServerRow(server: $0, last: last[$0.providerID]?[$0.server.summary]) },
                providers: entries.map(\.provider.id).sorted(), changes: try catalog.changes(limit: 20))
        } catch { throw ServiceRefusal(.serviceUnavailable, "\(error)") }
        return PageResponse.html(PageViews.dashboard(view, session: session, notice: sessions.takeNotice(for: session), problem: problem),
                                 status: status)
    }

    /// What `serve` answers Thunderbird for the domain, from the same code.
    func preview(_ provider: Provider?, domain: String) -> Result<String, PageViews.PreviewProblem> {
        guard let provider else { return .failure(.init(message: "its provider is not in the catalog")) }
        do { return .success(try ServedAnswers.thunderbird(provider, domain: domain, version: clientConfigVersion)) } catch {
            return .failure(.init(message: error.message))
        }
    }

    /// A refusal from the catalog, shown beside the form with the form's values kept.
    func refused(_ error: ServiceRefusal, form name: String, _ context: AdminContext) throws -> Response {
        let values = Self.form(context).fields.compactMapValues(\.first).filter { $0.key != "csrf" && $0.key != "password" }
        let problem = PageViews.Problem(form: name, message: error.message, field: error.field, values: values)
        return try dashboard(context, problem: problem, status: error.status)
    }

    func addDomain(_ context: AdminContext) throws -> Response {
        let form = Self.form(context)
        guard let domain = form.text("domain") else {
            return try refused(ServiceRefusal(.unprocessableContent, "give the domain", kind: .httpBadRequest, field: "domain"),
                               form: "add-domain", context)
        }
        guard let provider = form.text("provider") else {
            return try refused(ServiceRefusal(.unprocessableContent, "give the provider the domain's clients get", kind: .httpBadRequest,
                                     field: "provider"), form: "add-domain", context)
        }
        do { _ = try domains.add(domain, provider: provider) } catch {
            return try refused(ServiceRefusal.from(error), form: "add-domain", context)
        }
        logger.info("admin page \(context.tokenLabel ?? "?"): added the domain \(domain.lowercased())")
        return done(context, "Added \(domain.lowercased()), answered from \(provider.lowercased()).")
    }

    func mapDomain(_ context: AdminContext) throws -> Response {
        let domain = try context.parameters.require("domain")
        guard let provider = Self.form(context).text("provider") else {
            return try refused(ServiceRefusal(.unprocessableContent, "give the provider", kind: .httpBadRequest, field: "provider"),
                               form: "map:\(domain)", context)
        }
        do { _ = try domains.map(domain, provider: provider) } catch {
            return try refused(ServiceRefusal.from(error), form: "map:\(domain)", context)
        }
        logger.info("admin page \(context.tokenLabel ?? "?"): mapped the domain \(domain.lowercased())")
        return done(context, "\(domain.lowercased()) is now answered from \(provider.lowercased()).")
    }

    func removeDomain(_ context: AdminContext) throws -> Response {
        let domain = try context.parameters.require("domain")
        do { try domains.remove(domain) } catch {
            return try refused(ServiceRefusal.from(error), form: "map:\(domain)", context)
        }
        logger.info("admin page \(context.tokenLabel ?? "?"): removed the domain \(domain.lowercased())")
        return done(context, "Removed \(domain.lowercased()).")
    }

    /// The form's port, or a refusal that names it.
    static func port(_ form: PageForm) throws(ServiceRefusal) -> Int {
        do { return Int(try Port(parsing: form.text("port") ?? "").value) } catch { throw ServiceRefusal.invalid(error) }
    }

    /// "password-cleartext, oauth2" or one per line (ServerFieldText splits it).
    static func authentication(_ form: PageForm) -> [String] { [form["authentication"] ?? ""] }

    func addServer(_ context: AdminContext) throws -> Response {
        switch newServer(Self.form(context), context) {
        case .success(let stored):
            return done(context, "Added server #\(stored.id) to \(stored.providerID).", to: "/ui/servers/\(stored.id)")
        case .failure(let error):
            return try refused(error, form: "add-server", context)
        }
    }

    func newServer(_ form: PageForm, _ context: AdminContext) -> Result<UserServer, ServiceRefusal> {
        Result { () throws(ServiceRefusal) -> UserServer in
            let body = ServerRoutes.NewServer(
                provider: form.text("provider") ?? "", name: nil, domains: nil, protocol: form.text("protocol"),
                hostname: form.text("hostname") ?? "", port: try Self.port(form), security: form.text("security") ?? "",
                authentication: Self.authentication(form), username: form.text("username"), description: form.text("description"))
            return try servers.create(body, context)
        }
    }

    func serverRow(_ id: Int64) throws -> PageViews.ServerRow {
        do {
            guard let (found, origin) = try catalog.server(id: id) else {
                throw ServiceRefusal(.notFound, "there is no server #\(id)")
            }
            guard origin == .user else {
                throw ServiceRefusal(.notFound, "server #\(id) is one of \(found.providerID)'s, a \(origin.rawValue) provider: only your own servers are edited here")
            }
            let last = try catalog.lastVerifications(providerID: found.providerID)[found.server.summary]
            return PageViews.ServerRow(server: found, last: last)
        } catch let error as CatalogError { throw ServiceRefusal(.serviceUnavailable, "\(error)") }
    }

    func serverPage(_ context: AdminContext, problem: PageViews.Problem? = nil, result: VerifyResult? = nil,
                    status: HTTPResponse.Status = .ok) throws -> Response {
        let session = try Self.session(context)
        let row = try serverRow(try ServerRoutes.id(context))
        return PageResponse.html(PageViews.server(row, session: session, notice: sessions.takeNotice(for: session), problem: problem,
                                                  result: result), status: status)
    }

    func editServer(_ context: AdminContext) throws -> Response {
        let id = try ServerRoutes.id(context)
        let form = Self.form(context)
        let edited = Result { () throws(ServiceRefusal) -> UserServer in
            let change = ServerRoutes.Change(
                protocol: form.text("protocol"), hostname: form.text("hostname"), port: try Self.port(form),
                security: form.text("security"), authentication: Self.authentication(form),
                username: form["username"].map { $0.trimmingCharacters(in: .whitespaces) },
                description: form["description"].map { $0.trimmingCharacters(in: .whitespaces) })
            return try servers.change(id: id, change, context)
        }
        if case .failure(let error) = edited {
            let values = form.fields.compactMapValues(\.first).filter { $0.key != "csrf" }
            return try serverPage(context, problem: .init(form: "edit", message: error.message, field: error.field, values: values),
                                  status: error.status)
        }
        return done(context, "Saved server #\(id).", to: "/ui/servers/\(id)")
    }

    func removeServer(_ context: AdminContext) throws -> Response {
        let id = try ServerRoutes.id(context)
        do { try servers.edits.remove(id: id) } catch {
            throw ServiceRefusal(ServiceRefusal.from(error).status, error.description)
        }
        logger.info("admin page \(context.tokenLabel ?? "?"): removed server #\(id)")
        return done(context, "Removed server #\(id).")
    }

    /// Runs the validator now and shows its report on the server's page.
    func verifyServer(_ context: AdminContext) async throws -> Response {
        let id = try ServerRoutes.id(context)
        let form = Self.form(context)
        let login = ServerRoutes.Login(username: form.text("username"), password: form["password"].flatMap { $0.isEmpty ? nil : $0 })
        let result: VerifyResult
        do { result = try await servers.check(id: id, login, context) } catch {
            return try serverPage(context, problem: .init(form: "verify", message: error.message, field: error.field,
                                                          values: ["username": login.username ?? ""]), status: error.status)
        }
        return try serverPage(context, result: result)
    }
}
