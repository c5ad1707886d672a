import Catalog
import Foundation
import MailSettings
import Validator

/// The page's HTML, built from `Markup` so that everything shown from the catalog or a
/// server is escaped. Each view is a function of what it shows; the routes gather it.
enum PageViews {
    /// A form's refusal, shown beside the form with what was typed kept in its fields.
    struct Problem: Sendable {
        /// Which form: "add-domain", "add-server", "map:DOMAIN", "edit", "verify".
        var form: String
        var message: String
        var field: String?
        var values: [String: String] = [:]
    }

    struct DomainRow: Sendable {
        var domain: String
        var provider: String
        /// The Thunderbird file clients get for the domain, or why there is none.
        var preview: Result<String, PreviewProblem>
    }

    struct PreviewProblem: Error, Sendable { var message: String }

    struct ServerRow: Sendable {
        var server: UserServer
        var last: VerificationRecord?
    }

    struct Dashboard: Sendable {
        var catalog: String
        var domains: [DomainRow]
        var servers: [ServerRow]
        var providers: [String]
        var changes: [CatalogChange]
    }

    // MARK: - Layout

    static func page(title: String, session: PageSessions.Session?, notice: String? = nil,
                     problem: Problem? = nil, _ body: Markup) -> Markup {
        let signOut: Markup = session.map { s in
            """
            <form class="inline" method="post" action="/ui/logout">\(csrf(s))<span class="muted">signed in as \(s.label)</span> \
            <button type="submit">Sign out</button></form>
            """
        } ?? .empty
        return """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · mailconf admin</title>
            <link rel="stylesheet" href="/ui/assets/admin.css"><script src="/ui/assets/admin.js" defer></script></head>
            <body>
            <header><h1><a href="/ui/">mailconf admin</a></h1>\(signOut)</header>
            \(notice.map { n -> Markup in "<p class=\"notice\" role=\"status\" id=\"notice\">\(n)</p>" } ?? .empty)\
            \(problem.flatMap { p -> Markup? in p.form == "page" ? "<p class=\"problem\" role=\"alert\" id=\"problem\">\(p.message)</p>" : nil } ?? .empty)
            \(body)
            </body>
            </html>
            """
    }

    /// The session's CSRF token, which every form carries.
    static func csrf(_ session: PageSessions.Session) -> Markup {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\">"
    }

    /// A refusal under the form it is about.
    static func problem(_ problem: Problem?, for form: String) -> Markup {
        guard let problem, problem.form == form else { return .empty }
        let field: Markup = problem.field.map { f -> Markup in " <span class=\"muted\">(field: \(f))</span>" } ?? .empty
        return "<p class=\"problem\" role=\"alert\" id=\"problem\">\(problem.message)\(field)</p>"
    }

    static func value(_ problem: Problem?, _ form: String, _ field: String, default text: String = "") -> String {
        guard let problem, problem.form == form else { return text }
        return problem.values[field] ?? text
    }

    static func options(_ choices: [(value: String, label: String)], selected: String) -> Markup {
        .join(choices.map { c in
            "<option value=\"\(c.value)\"\(c.value == selected ? Markup(" selected") : .empty)>\(c.label)</option>"
        })
    }

    static let protocols: [(value: String, label: String)] = [("smtp", "SMTP (outgoing)"), ("imap", "IMAP"), ("pop3", "POP3")]
    static let securities: [(value: String, label: String)] = [("tls", "TLS (implicit)"), ("starttls", "STARTTLS"), ("none", "none (plain)")]

    static func when(_ date: Date) -> String {
        ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
    }

    // MARK: - Sign-in

    static func login(csrf: String, problem: String? = nil) -> Markup {
        page(title: "Sign in", session: nil, """
            <h2>Sign in</h2>
            <p>Give one of the tokens in the file <code>serve --admin-token-file</code> reads.</p>
            \(problem.map { p -> Markup in "<p class=\"problem\" role=\"alert\" id=\"problem\">\(p)</p>" } ?? .empty)
            <form method="post" action="/ui/login" id="sign-in-form">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label>Token <input type="password" name="token" id="token" required autocomplete="current-password" size="48"></label>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            """)
    }

    // MARK: - Dashboard

    static func dashboard(_ d: Dashboard, session: PageSessions.Session, notice: String?, problem: Problem?) -> Markup {
        let providerList: Markup = "<datalist id=\"providers\">\(d.providers.map { p -> Markup in "<option value=\"\(p)\">" })</datalist>"
        let domainRows = d.domains.map { domainRow($0, session: session, problem: problem) }
        let serverRows = d.servers.map { serverRow($0, session: session) }
        let changeRows: [Markup] = d.changes.map { c in
            "<tr><td>\(when(c.at))</td><td>\(c.actor)</td><td>\(c.change)</td></tr>"
        }
        let body: Markup = """
            \(providerList)
            <p class="muted">Catalog: \(d.catalog)</p>
            <h2>Organisation domains</h2>
            <table id="domains"><thead><tr><th>Domain</th><th>Provider</th><th>What clients get</th><th></th></tr></thead>
            <tbody>\(domainRows)</tbody></table>
            \(d.domains.isEmpty ? Markup("<p>No organisation domains yet: add one below.</p>") : .empty)
            <form method="post" action="/ui/domains" id="add-domain"><fieldset><legend>Add a domain</legend>\(csrf(session))
            <label>Domain <input name="domain" required value="\(value(problem, "add-domain", "domain"))" placeholder="example.org"></label>
            <label>Provider <input name="provider" list="providers" required value="\(value(problem, "add-domain", "provider"))"></label>
            <button type="submit">Add domain</button>\(Self.problem(problem, for: "add-domain"))</fieldset></form>
            <h2>Your servers</h2>
            <table id="servers"><thead><tr><th></th><th>Provider</th><th>Protocol</th><th>Server</th><th>Security</th>
            <th>Authentication</th><th>Username</th><th>Last verification</th><th></th></tr></thead>
            <tbody>\(serverRows)</tbody></table>
            \(d.servers.isEmpty ? Markup("<p>No servers of your own yet.</p>") : .empty)
            \(serverForm(action: "/ui/servers", id: "add-server", legend: "Add a server", session: session, problem: problem,
                         current: [:], withProvider: true))
            <h2>Recent changes</h2>
            <table id="changes"><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th></tr></thead><tbody>\(changeRows)</tbody></table>
            """
        return page(title: "Domains and servers", session: session, notice: notice, problem: problem, body)
    }

    /// One organisation domain: its provider, the answer clients get, map and remove.
    static func domainRow(_ row: DomainRow, session: PageSessions.Session, problem: Problem?) -> Markup {
        let mapForm = "map:\(row.domain)"
        let preview: Markup
        switch row.preview {
        case .success(let xml):
            preview = "<details><summary>Thunderbird's answer</summary><pre class=\"preview\">\(xml)</pre></details>"
        case .failure(let p):
            preview = "<span class=\"bad\">no answer: \(p.message)</span>"
        }
        return """
            <tr data-domain="\(row.domain)"><td class="domain">\(row.domain)</td><td>\(row.provider)</td><td>\(preview)</td>
            <td><form class="inline" method="post" action="/ui/domains/\(pathSegment(row.domain))/provider">\(csrf(session))\
            <input name="provider" list="providers" aria-label="provider for \(row.domain)" value="\(value(problem, mapForm, "provider", default: row.provider))" size="14">\
            <button type="submit">Map</button></form>
            <form class="inline" method="post" action="/ui/domains/\(pathSegment(row.domain))/remove" data-confirm="Remove \(row.domain)?">\(csrf(session))\
            <button type="submit">Remove</button></form>\(Self.problem(problem, for: mapForm))</td></tr>
            """
    }

    /// One of the user's servers: its setting, its last verification, edit, verify, remove.
    static func serverRow(_ row: ServerRow, session: PageSessions.Session) -> Markup {
        let s = row.server.server
        return """
            <tr data-server="\(row.server.id)"><td>#\(row.server.id)</td><td>\(row.server.providerID)</td><td>\(s.protocol.rawValue)</td>
            <td>\(s.hostname?.name ?? s.url ?? "")\(s.port.map { ":\($0.value)" } ?? "")\
            \(s.description.map { d -> Markup in "<br><span class=\"muted description\">\(d)</span>" } ?? .empty)</td>
            <td>\(s.security?.rawValue ?? "")</td>
            <td>\(s.authenticationChoices.map(\.description).joined(separator: ", "))</td><td>\(s.username?.text ?? "")</td>
            <td class="last-verification">\(lastVerification(row.last))</td>
            <td><a href="/ui/servers/\(row.server.id)">Edit</a>
            <form class="inline" method="post" action="/ui/servers/\(row.server.id)/verify">\(csrf(session))\
            <button type="submit" data-busy="Verifying…">Verify now</button></form>
            <form class="inline" method="post" action="/ui/servers/\(row.server.id)/remove" data-confirm="Remove server #\(row.server.id)?">\(csrf(session))\
            <button type="submit">Remove</button></form></td></tr>
            """
    }

    static func lastVerification(_ record: VerificationRecord?) -> Markup {
        guard let record else { return "<span class=\"muted\">never</span>" }
        let verdict: Markup = record.ok ? "<span class=\"ok\">works</span>" : "<span class=\"bad\">\(record.kind ?? "fails")</span>"
        return "\(verdict) <span class=\"muted\">\(when(record.checkedAt))</span><br><span class=\"muted\">\(record.message)</span>"
    }

    /// The fields of a server, for adding one and for editing one.
    static func serverForm(action: String, id: String, legend: String, session: PageSessions.Session, problem: Problem?,
                           current: [String: String], withProvider: Bool) -> Markup {
        func v(_ field: String) -> String { value(problem, id, field, default: current[field] ?? "") }
        let provider: Markup = withProvider
            ? "<label>Provider id <input name=\"provider\" list=\"providers\" required value=\"\(v("provider"))\" placeholder=\"my-relay\"></label>"
            : .empty
        return """
            <form method="post" action="\(action)" id="\(id)"><fieldset><legend>\(legend)</legend>\(csrf(session))
            \(provider)
            <label>Protocol <select name="protocol">\(options(protocols, selected: v("protocol").isEmpty ? "smtp" : v("protocol")))</select></label>
            <label>Hostname <input name="hostname" required value="\(v("hostname"))" placeholder="smtp.example.org"></label>
            <label>Port <input name="port" required inputmode="numeric" size="6" value="\(v("port"))" placeholder="465"></label>
            <label>Security <select name="security">\(options(securities, selected: v("security").isEmpty ? "tls" : v("security")))</select></label>
            <label>Authentication <input name="authentication" value="\(v("authentication"))" placeholder="password-cleartext, oauth2" size="28"></label>
            <label>Username <input name="username" value="\(v("username"))" placeholder="%EMAILADDRESS%"></label>
            <label>Description <input name="description" value="\(v("description"))"></label>
            <button type="submit">Save</button>\(Self.problem(problem, for: id))</fieldset></form>
            """
    }

    // MARK: - One server

    static func server(_ row: ServerRow, session: PageSessions.Session, notice: String?, problem: Problem?,
                       result: VerifyResult?) -> Markup {
        let s = row.server.server
        let current: [String: String] = [
            "protocol": s.protocol.rawValue, "hostname": s.hostname?.name ?? "", "port": s.port.map { String($0.value) } ?? "",
            "security": s.security?.rawValue ?? "", "authentication": s.authenticationChoices.map(\.description).joined(separator: ", "),
            "username": s.username?.text ?? "", "description": s.description ?? "",
        ]
        let body: Markup = """
            <p><a href="/ui/">← Domains and servers</a></p>
            <h2>Server #\(row.server.id) of \(row.server.providerID)</h2>
            <p>Last verification: <span class="last-verification">\(lastVerification(row.last))</span></p>
            \(result.map(report) ?? .empty)
            \(serverForm(action: "/ui/servers/\(row.server.id)", id: "edit", legend: "Edit", session: session, problem: problem,
                         current: current, withProvider: false))
            <form method="post" action="/ui/servers/\(row.server.id)/verify" id="verify"><fieldset><legend>Verify now</legend>\(csrf(session))
            <p class="muted">Connects as <code>mailconf verify</code> does. With a password it logs in too; the password is used for this check only, never stored or logged.</p>
            <label>Username <input name="username" autocomplete="off" value="\(value(problem, "verify", "username"))"></label>
            <label>Password <input type="password" name="password" autocomplete="off"></label>
            <button type="submit" data-busy="Verifying…" id="verify-now">Verify now</button>\(Self.problem(problem, for: "verify"))</fieldset></form>
            <form method="post" action="/ui/servers/\(row.server.id)/remove" data-confirm="Remove server #\(row.server.id)?">\(csrf(session))
            <button type="submit">Remove this server</button></form>
            """
        return page(title: "Server #\(row.server.id)", session: session, notice: notice, problem: problem, body)
    }

    /// The validator's report: verdict, reason, and the setting that works instead.
    static func report(_ r: VerifyResult) -> Markup {
        var lines: [Markup] = []
        lines.append(r.ok ? "<p class=\"ok verdict\">Works: \(r.message)</p>"
                          : "<p class=\"bad verdict\">\(r.kind?.name ?? "fails"): \(r.message)</p>")
        if let suggestion = r.suggestion { lines.append("<p>Instead: <strong class=\"suggestion\">\(suggestion)</strong></p>") }
        if let alternatives = r.alternatives, !alternatives.isEmpty {
            let tried: [Markup] = alternatives.map { a in
                "<li>\(a.setting): \(a.ok ? "works" : a.kind?.name ?? "fails")</li>"
            }
            lines.append("<details><summary>Also tried on the same host</summary><ul>\(tried)</ul></details>")
        }
        if let tls = r.tls {
            lines.append("<p class=\"muted\">\(tls.version ?? "TLS"), certificate \(tls.verified ? "verified" : "not verified")</p>")
        }
        if let caps = r.capabilities, !caps.isEmpty { lines.append("<p class=\"muted\">Capabilities: \(caps.joined(separator: " "))</p>") }
        if let used = r.mechanismUsed { lines.append("<p class=\"muted\">Logged in with \(used)</p>") }
        if let transcript = r.transcript, !transcript.entries.isEmpty {
            let text = transcript.entries.map { "\($0.direction == .sent ? "C:" : $0.direction == .received ? "S:" : "--") \($0.text)" }
                .joined(separator: "\n")
            lines.append("<details><summary>Transcript (AUTH redacted)</summary><pre>\(text)</pre></details>")
        }
        lines.append("<p class=\"muted\">\(r.setting), \(String(format: "%.2f", r.totalSeconds)) s</p>")
        return "<section id=\"report\"><h3>Verification</h3>\(lines)</section>"
    }

    /// A domain as one path segment (domains have no '/', but the page does not rely on it).
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}
