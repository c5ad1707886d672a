import Failures
import MailSettings

/// Thunderbird's clientConfig v1.1 ("autoconfig") format, read and written losslessly:
/// what mailconf models becomes typed values, everything else is kept as XML and
/// written back. mailconf's own metadata lives in the `mc:` extension namespace,
/// which Thunderbird ignores.
public enum ClientConfig {
    public static let extensionNamespace = "urn:mailconf:clientconfig-extension:1"
    public static let extensionPrefix = "mc"

    /// A file that was read, and what was not taken as written.
    public struct ReadResult: Sendable {
        public var provider: Provider
        public var warnings: [Diagnostic]
    }

    /// Reads one clientConfig document.
    /// - Parameters:
    ///   - source: the file name, used in every message.
    ///   - fallbackID: the provider id when the file has no `mc:provider/@id`
    ///     (for an ISPDB file: its file name without `.xml`).
    public static func read(_ bytes: [UInt8], source: String, fallbackID: String,
                            limits: XMLLimits = .untrusted) throws(FormatError) -> ReadResult {
        let root = try SafeXMLParser.parse(bytes, source: source, limits: limits)
        var reader = Reader(source: source)
        let provider = try reader.read(root, fallbackID: fallbackID)
        return ReadResult(provider: provider, warnings: reader.warnings)
    }

    /// Writes one provider as a clientConfig v1.1 document.
    /// - Parameters:
    ///   - address: when given, placeholders in host names and usernames are filled in.
    ///   - includeExtension: write mailconf's `mc:` metadata (off for pure Thunderbird output).
    public static func write(_ provider: Provider, address: EmailAddress? = nil,
                             includeExtension: Bool = true) throws(FormatError) -> String {
        try Writer(provider: provider, address: address, includeExtension: includeExtension).write()
    }
}

// MARK: - Reading

extension ClientConfig {
    struct Reader {
        let source: String
        var warnings: [Diagnostic] = []

        init(source: String) { self.source = source }

        mutating func warn(_ element: XElement?, _ message: String) {
            warnings.append(Diagnostic(line: element?.line, message))
        }

        func fail(_ kind: FailureKind, _ element: XElement?, _ message: String) -> FormatError {
            FormatError(kind, source: source, line: element?.line, message)
        }

        func isExtension(_ e: XElement) -> Bool { e.namespaceURI == ClientConfig.extensionNamespace }

        mutating func read(_ root: XElement, fallbackID: String) throws(FormatError) -> Provider {
            guard root.name == "clientConfig", root.namespaceURI == nil else {
                throw fail(.wrongRoot, root, "the root element is <\(root.qualifiedName)>, expected <clientConfig>; this is not a clientConfig (autoconfig) file")
            }
            let providers = root.elements(named: "emailProvider")
            guard let ep = providers.first else {
                throw fail(.missingElement, root, "<clientConfig> has no <emailProvider>")
            }
            if providers.count > 1 {
                warn(providers[1], "only the first <emailProvider> is used, as Thunderbird does; \(providers.count - 1) more ignored")
            }
            var extras = ClientConfigExtras()
            for child in root.elements where !(child.name == "emailProvider" && child.namespaceURI == nil) {
                extras.clientConfig.append(XMLFragment.serialize(child))
            }

            var domains: [String] = []
            var displayName: String?
            var shortName: String?
            var servers: [ServerSetting] = []
            var documentation: [DocumentationLink] = []
            var meta: Metadata?

            for child in ep.elements {
                if isExtension(child) {
                    if child.name == "provider" {
                        if meta != nil { warn(child, "a second <mc:provider> is ignored") } else { meta = try readMetadata(child) }
                    } else {
                        warn(child, "unknown mailconf element <\(child.qualifiedName)> ignored")
                    }
                    continue
                }
                if child.namespaceURI != nil {
                    extras.emailProvider.append(XMLFragment.serialize(child))
                    continue
                }
                switch child.name {
                case "domain":
                    let text = child.text.trimmingWhitespace()
                    do {
                        let host = try Hostname(text)
                        if host.isTemplate || host.isIPAddress {
                            warn(child, "domain '\(text)' is not a DNS name; skipped")
                        } else if !domains.contains(host.name) {
                            domains.append(host.name)
                        }
                    } catch {
                        warn(child, "domain skipped: \(error)")
                    }
                case "displayName":
                    if displayName == nil { displayName = oneLine(child.text) }
                case "displayShortName":
                    if shortName == nil { shortName = oneLine(child.text) }
                case "incomingServer", "outgoingServer":
                    if let server = readServer(child) { servers.append(server) }
                case "documentation":
                    if let link = readDocumentation(child) { documentation.append(link) }
                default:
                    extras.emailProvider.append(XMLFragment.serialize(child))
                }
            }

            guard !domains.isEmpty else {
                throw fail(.missingElement, ep, "<emailProvider> has no valid <domain>; Thunderbird rejects such a file too")
            }
            guard !servers.isEmpty else {
                throw fail(.noUsableServer, ep, "no usable <incomingServer> or <outgoingServer>"
                           + (warnings.isEmpty ? "" : " (\(warnings.map(\.description).joined(separator: "; ")))"))
            }
            // Incoming before outgoing, as the writer puts them; each role keeps its order.
            servers = servers.filter { $0.role == .incoming } + servers.filter { $0.role == .outgoing }
            let id = meta?.id ?? fallbackID
            let kind = meta?.kind ?? (servers.contains { $0.role == .incoming } ? .mailbox : .relay)
            let name = displayName ?? shortName ?? id
            if displayName == nil { warn(ep, "no <displayName>; '\(name)' is used") }
            do {
                return try Provider(
                    id: id, displayName: String(name.prefix(200)), shortName: shortName.map { String($0.prefix(100)) },
                    kind: kind, domains: domains,
                    documentation: documentation, notes: meta?.notes, region: meta?.region,
                    dnsRecords: meta?.dnsRecords ?? [], servers: servers,
                    clientConfigID: ep.attribute("id"), clientConfigExtras: extras)
            } catch {
                throw fail(.invalidValue, meta?.element ?? ep, error.description)
            }
        }

        /// Collapses line breaks and runs of spaces in free text to single spaces.
        func oneLine(_ text: String) -> String {
            text.collapsingWhitespace()
        }

        mutating func readServer(_ e: XElement) -> ServerSetting? {
            let type = e.attribute("type") ?? ""
            let outgoing = e.name == "outgoingServer"
            guard let proto = ServerProtocol(rawValue: type), (proto == .smtp) == outgoing else {
                warn(e, "<\(e.name) type=\"\(type)\"> skipped: mailconf reads "
                     + (outgoing ? "type=\"smtp\"" : "the types imap, pop3, exchange, ews, owa and graph"))
                return nil
            }
            var hostname: Hostname?
            var port: Port?
            var security: ConnectionSecurity?
            var auth: [AuthenticationMethod] = []
            var username: UsernameTemplate?
            var url: String?
            var description: String?
            var extras: [String] = []
            let label = "<\(e.name) type=\"\(type)\">"
            var current = e
            do {
                for child in e.elements {
                    current = child
                    if isExtension(child) {
                        if child.name == "description" { description = oneLine(child.text) } else {
                            warn(child, "unknown mailconf element <\(child.qualifiedName)> ignored")
                        }
                        continue
                    }
                    if child.namespaceURI != nil { extras.append(XMLFragment.serialize(child)); continue }
                    let text = child.text
                    switch child.name {
                    case "hostname":
                        if hostname == nil { hostname = try Hostname(text.trimmingWhitespace()) }
                    case "port":
                        if port == nil { port = try Port(parsing: text.trimmingWhitespace()) }
                    case "socketType":
                        if security == nil {
                            if let s = ConnectionSecurity(clientConfigName: text) { security = s } else {
                                warn(child, "socketType '\(text)' is not one of plain, STARTTLS, SSL (exact spelling); ignored")
                            }
                        }
                    case "authentication":
                        if let a = AuthenticationMethod(clientConfigName: text) {
                            auth.append(a)
                        } else {
                            warn(child, "authentication '\(text)' is not a clientConfig value Thunderbird accepts; ignored")
                        }
                    case "username":
                        if username == nil {
                            let trimmed = text.trimmingWhitespace()
                            if trimmed.isEmpty {
                                warn(child, "empty <username> ignored")
                            } else {
                                let (template, problems) = try UsernameTemplate.lenient(trimmed)
                                for problem in problems {
                                    warn(child, "username '\(trimmed)': \(problem); kept literally, as Thunderbird does")
                                }
                                username = template
                            }
                        }
                    case "url":
                        if url == nil { url = text.trimmingWhitespace() }
                    case "password":
                        warn(child, "a <password> in the file was dropped: mailconf never stores a secret it was not asked to")
                    default:
                        extras.append(XMLFragment.serialize(child))
                    }
                }
                current = e
                return try ServerSetting(protocol: proto, description: description, hostname: hostname, port: port,
                                         security: security, authentication: auth, username: username, url: url,
                                         clientConfigExtras: extras)
            } catch {
                warn(current, "\(label) skipped: \(error)")
                return nil
            }
        }

        mutating func readDocumentation(_ e: XElement) -> DocumentationLink? {
            guard let url = e.attribute("url") else {
                warn(e, "<documentation> without url ignored")
                return nil
            }
            let descriptions = e.elements(named: "descr").map {
                LocalizedText(language: $0.attribute("lang"), text: oneLine($0.text))
            }
            do {
                return try DocumentationLink(url: url.trimmingWhitespace(), descriptions: descriptions)
            } catch {
                warn(e, "documentation link ignored: \(error)")
                return nil
            }
        }

        struct Metadata {
            var element: XElement
            var id: String
            var kind: ProviderKind
            var region: Region?
            var notes: String?
            var dnsRecords: [DNSRequirement]
        }

        func readMetadata(_ e: XElement) throws(FormatError) -> Metadata {
            guard let rawID = e.attribute("id") else {
                throw fail(.missingElement, e, "<mc:provider> needs an id attribute")
            }
            guard let kind = ProviderKind(rawValue: e.attribute("kind") ?? "") else {
                throw fail(.invalidValue, e, "<mc:provider kind=\"\(e.attribute("kind") ?? "")\">: kind must be mailbox or relay")
            }
            do {
                var meta = Metadata(element: e, id: try Provider.checkID(rawID), kind: kind, dnsRecords: [])
                for child in e.elements where isExtension(child) {
                    switch child.name {
                    case "region":
                        meta.region = try Region(code: child.attribute("code") ?? "",
                                                 name: child.text.isEmpty ? nil : oneLine(child.text))
                    case "notes":
                        meta.notes = oneLine(child.text)
                    case "dnsRecord":
                        guard let purpose = DNSRequirement.Purpose(rawValue: child.attribute("purpose") ?? "") else {
                            throw fail(.invalidValue, child, "<mc:dnsRecord purpose=\"\(child.attribute("purpose") ?? "")\">: expected one of "
                                       + DNSRequirement.Purpose.allCases.map(\.rawValue).joined(separator: ", "))
                        }
                        meta.dnsRecords.append(try DNSRequirement(
                            purpose: purpose, type: child.attribute("type") ?? "", name: child.attribute("name") ?? "@",
                            value: child.attribute("value") ?? "", required: child.attribute("required") != "false",
                            note: child.attribute("note")))
                    default:
                        throw fail(.invalidValue, child, "unknown element <\(child.qualifiedName)> in <mc:provider>")
                    }
                }
                return meta
            } catch let error as ValidationError {
                throw fail(.invalidValue, e, error.description)
            } catch let error as FormatError {
                throw error
            } catch {
                throw fail(.invalidValue, e, "\(error)")
            }
        }
    }
}

// MARK: - Writing

extension ClientConfig {
    struct Writer {
        let provider: Provider
        let address: EmailAddress?
        let includeExtension: Bool
        let mc = ClientConfig.extensionPrefix

        func write() throws(FormatError) -> String {
            let w = XMLWriter()
            var declared: [String: String] = [:]
            w.start("clientConfig")
            w.attribute("version", "1.1")
            if includeExtension {
                w.attribute("xmlns:\(mc)", ClientConfig.extensionNamespace)
                declared[mc] = ClientConfig.extensionNamespace
            }
            w.start("emailProvider")
            w.attribute("id", provider.clientConfigID ?? provider.domains.first ?? provider.id)
            for domain in provider.domains { w.element("domain", domain) }
            w.element("displayName", provider.displayName)
            if let short = provider.shortName { w.element("displayShortName", short) }
            for server in provider.incoming + provider.outgoing {
                try writeServer(server, to: w, declared: declared)
            }
            for link in provider.documentation {
                w.start("documentation")
                w.attribute("url", link.url)
                for d in link.descriptions {
                    w.element("descr", d.text, attributes: d.language.map { [("lang", $0)] } ?? [])
                }
                w.end()
            }
            for xml in provider.clientConfigExtras.emailProvider {
                w.replay(try XMLFragment.parse(xml), declared: declared)
            }
            if includeExtension { writeMetadata(to: w) }
            w.end() // emailProvider
            for xml in provider.clientConfigExtras.clientConfig {
                w.replay(try XMLFragment.parse(xml), declared: declared)
            }
            w.end() // clientConfig
            return w.finish()
        }

        func writeServer(_ s: ServerSetting, to w: XMLWriter, declared: [String: String]) throws(FormatError) {
            w.start(s.role == .outgoing ? "outgoingServer" : "incomingServer")
            w.attribute("type", s.protocol.rawValue)
            if let host = s.hostname {
                var name = host.name
                if let address, host.isTemplate {
                    do { name = try host.expanded(for: address).name } catch {
                        throw FormatError(.invalidValue, source: provider.id, "\(error)")
                    }
                }
                w.element("hostname", name)
            }
            if let port = s.port { w.element("port", port.description) }
            if let security = s.security { w.element("socketType", security.clientConfigName) }
            for a in s.authentication { w.element("authentication", a.clientConfigName) }
            if let username = s.username {
                w.element("username", address.map { username.expanded(for: $0) } ?? username.text)
            }
            if let url = s.url { w.element("url", url) }
            for xml in s.clientConfigExtras { w.replay(try XMLFragment.parse(xml), declared: declared) }
            if includeExtension, let d = s.description { w.element("\(mc):description", d) }
            w.end()
        }

        func writeMetadata(to w: XMLWriter) {
            w.start("\(mc):provider")
            w.attribute("id", provider.id)
            w.attribute("kind", provider.kind.rawValue)
            if let region = provider.region {
                w.start("\(mc):region")
                w.attribute("code", region.code)
                if let name = region.name { w.text(name) }
                w.end()
            }
            if let notes = provider.notes { w.element("\(mc):notes", notes) }
            for r in provider.dnsRecords {
                w.start("\(mc):dnsRecord")
                w.attribute("purpose", r.purpose.rawValue)
                w.attribute("type", r.type)
                w.attribute("name", r.name)
                w.attribute("value", r.value)
                w.attribute("required", r.required ? "true" : "false")
                if let note = r.note { w.attribute("note", note) }
                w.end()
            }
            w.end()
        }
    }
}

/// One element kept as XML text (for the parts of a file mailconf does not model).
enum XMLFragment {
    static func serialize(_ element: XElement) -> String {
        let w = XMLWriter(indent: false, declaration: false)
        w.replay(element, declared: [:])
        return w.finish()
    }

    static func parse(_ xml: String) throws(FormatError) -> XElement {
        try SafeXMLParser.parse(Array(xml.utf8), source: "stored clientConfig fragment")
    }
}
