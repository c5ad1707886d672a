import ArgumentParser
import Catalog
import MailSettings
import UseCases

struct ProvidersShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every server setting of a provider.",
        discussion: """
        NAME is a provider id (gmail), one of its mail domains (googlemail.com), an \
        organisation domain, or an e-mail address. Servers are listed in the provider's \
        order of preference; the '#' column is the server id other commands take.
        """
    )

    @Argument(help: "Provider id, mail domain or e-mail address.")
    var name: String

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: JSONFlag

    func run() throws {
        let cat = try catalog.open()
        let entry = try attempt { try cat.resolve(name) }
        let checks = try attempt { try cat.lastVerifications(providerID: entry.provider.id) }
        if output.json {
            Output.json(ProviderJSON(entry, verifications: checks))
            return
        }
        print(Self.render(entry, verifications: checks))
    }

    static func render(_ entry: CatalogEntry, verifications: [String: VerificationRecord] = [:]) -> String {
        let p = entry.provider
        var title = "\(p.displayName)  (\(p.id), \(p.kind.rawValue), \(entry.origin.rawValue))"
        if let region = p.region { title += "  region \(region.code)" + (region.name.map { " – \($0)" } ?? "") }
        var lines = [title, "Domains: \(p.domains.joined(separator: ", "))"]
        if !p.mxDomains.isEmpty { lines.append("MX domains: \(p.mxDomains.joined(separator: ", "))") }
        lines += servers(entry, verifications: verifications)
        lines += services(p) + oauth2(p)
        if let notes = p.notes { lines += ["", "Notes: \(notes)"] }
        lines += dnsRecords(p) + documentation(p)
        return lines.joined(separator: "\n")
    }

    /// Outgoing then incoming servers, best first, each with its last verification.
    static func servers(_ entry: CatalogEntry, verifications: [String: VerificationRecord]) -> [String] {
        let p = entry.provider
        var lines: [String] = []
        let ids = Dictionary(uniqueKeysWithValues: zip(p.servers.indices, entry.serverIDs))
        for role in [ServerRole.outgoing, .incoming] {
            let servers = p.servers.indices.filter { p.servers[$0].role == role }
            guard !servers.isEmpty else { continue }
            lines.append("")
            lines.append(role == .outgoing ? "Outgoing (SMTP), best first:" : "Incoming, best first:")
            let rows = servers.map { i -> [String] in
                let s = p.servers[i]
                let check = verifications[s.summary].map { v in
                    "\(v.ok ? "ok" : v.kind ?? "failed") \(v.checkedAt.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)))"
                }
                return [ids[i].map { "#\($0)" } ?? "", s.protocol.rawValue.uppercased(), s.hostname?.name ?? s.url ?? "",
                        s.port?.description ?? "", s.security?.label ?? "",
                        s.authenticationChoices.map(\.description).joined(separator: ", "),
                        s.username?.text ?? "(your account's)", s.description ?? "", check ?? ""]
            }
            lines.append(Output.table(["#", "PROTOCOL", "HOST", "PORT", "SECURITY", "AUTHENTICATION", "USERNAME", "NOTE", "LAST VERIFIED"],
                                      rows, indent: "  "))
        }
        return lines
    }

    static func services(_ p: Provider) -> [String] {
        guard !p.services.isEmpty else { return [] }
        let rows = p.services.map { s in
            [s.section.rawValue, s.type, s.url ?? [s.hostname?.name, s.port?.description].compactMap { $0 }.joined(separator: ":"),
             s.security?.label ?? "", s.authenticationChoices.map(\.description).joined(separator: ", "), s.username?.text ?? ""]
        }
        return ["", "Beside mail (clientConfig 1.2):",
                Output.table(["SECTION", "TYPE", "ADDRESS", "SECURITY", "AUTHENTICATION", "USERNAME"], rows, indent: "  ")]
    }

    static func oauth2(_ p: Provider) -> [String] {
        guard let o = p.oauth2 else { return [] }
        var lines = ["", "OAuth2:"]
        for (label, value) in [("authorization", o.authURL), ("token", o.tokenURL), ("issuer", o.issuer),
                               ("scope", o.scope), ("client ID", o.clientID)] {
            if let value { lines.append("  \(label): \(value)") }
        }
        return lines
    }

    static func dnsRecords(_ p: Provider) -> [String] {
        guard !p.dnsRecords.isEmpty else { return [] }
        let rows = p.dnsRecords.map { r in
            [r.purpose.rawValue, r.type, r.name, r.value, r.required ? "required" : "recommended", r.note ?? ""]
        }
        return ["", "DNS records a sending domain needs:",
                Output.table(["PURPOSE", "TYPE", "NAME", "VALUE", "NEED", "NOTE"], rows, indent: "  ")]
    }

    static func documentation(_ p: Provider) -> [String] {
        guard !p.documentation.isEmpty else { return [] }
        return ["", "Documentation:"] + p.documentation.map { d in
            let title = d.descriptions.first { $0.language == "en" }?.text ?? d.descriptions.first?.text
            return "  \(d.url)" + (title.map { "  \($0)" } ?? "")
        }
    }
}
