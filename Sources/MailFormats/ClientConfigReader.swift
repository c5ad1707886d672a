import Failures
import MailSettings

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
            var services: [ServiceSetting] = []
            var oauth2: OAuth2Settings?
            for child in root.elements where !(child.name == "emailProvider" && child.namespaceURI == nil) {
                if child.namespaceURI == nil, let section = ServiceSetting.Section(rawValue: child.name) {
                    if let service = readService(child, section: section) {
                        services.append(service)
                        continue
                    }
                } else if child.namespaceURI == nil, child.name == "oAuth2" {
                    if oauth2 != nil {
                        warn(child, "a second <oAuth2> is ignored")
                        continue
                    }
                    if let settings = readOAuth2(child) {
                        oauth2 = settings
                        continue
                    }
                }
                extras.clientConfig.append(XMLFragment.serialize(child))
            }

            var domains: [String] = []
            var mxDomains: [String] = []
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
                    let purpose = child.attribute("purpose")
                    guard purpose == nil || purpose == "mx" else {
                        // An address domain claimed for a purpose not known here is not
                        // taken as an address domain: it may mean anything.
                        warn(child, "<domain purpose=\"\(purpose!)\"> skipped: the only purpose defined is \"mx\"")
                        continue
                    }
                    do {
                        let host = try Hostname(text)
                        if host.isTemplate || host.isIPAddress {
                            warn(child, "domain '\(text)' is not a DNS name; skipped")
                        } else if purpose == "mx" {
                            if !mxDomains.contains(host.name) { mxDomains.append(host.name) }
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
                    mxDomains: mxDomains, services: services, oauth2: oauth2,
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
            // The draft spells ActiveSync both `activeSync` (its registry) and `activesync`.
            let proto = ServerProtocol(rawValue: type) ?? (type == "activesync" ? .activeSync : nil)
            guard let proto, (proto == .smtp) == outgoing else {
                warn(e, "<\(e.name) type=\"\(type)\"> skipped: mailconf reads "
                     + (outgoing ? "type=\"smtp\"" : "the types imap, pop3, jmap, exchange, ews, owa, graph and activeSync"))
                return nil
            }
            var fields = SectionFields()
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
                    if try !readField(child, into: &fields, urlBased: proto.isURLBased) {
                        extras.append(XMLFragment.serialize(child))
                    }
                }
                current = e
                return try ServerSetting(protocol: proto, description: description, hostname: fields.hostname, port: fields.port,
                                         security: fields.security, choices: fields.authentication, username: fields.username,
                                         url: fields.url, clientConfigExtras: extras)
            } catch {
                warn(current, "\(label) skipped: \(error)")
                return nil
            }
        }

        /// The body every server section shares (draft-ietf-mailmaint-autoconfig-06,
        /// "Server sections"), as read so far: the first of each element counts.
        struct SectionFields {
            var url: String?
            var hostname: Hostname?
            var port: Port?
            var security: ConnectionSecurity?
            var authentication: [AuthenticationChoice] = []
            var username: UsernameTemplate?
        }

        /// Reads one child of a server section into `fields`; false when it is not one of
        /// the shared elements (the caller keeps or ignores it). A value the model refuses
        /// throws, and the caller leaves the whole section out.
        mutating func readField(_ child: XElement, into fields: inout SectionFields, urlBased: Bool) throws -> Bool {
            let text = child.text
            switch child.name {
            case "hostname":
                if fields.hostname == nil { fields.hostname = try Hostname(text.trimmingWhitespace()) }
            case "port":
                if fields.port == nil { fields.port = try Port(parsing: text.trimmingWhitespace()) }
            case "socketType":
                if fields.security == nil {
                    if let s = ConnectionSecurity(clientConfigName: text) { fields.security = s } else {
                        warn(child, "socketType '\(text)' is not one of plain, STARTTLS, SSL (exact spelling); ignored")
                    }
                }
            case "authentication":
                if let a = readAuthentication(child, urlBased: urlBased) { fields.authentication.append(a) }
            case "username":
                if fields.username == nil {
                    let trimmed = text.trimmingWhitespace()
                    if trimmed.isEmpty {
                        warn(child, "empty <username> ignored")
                    } else {
                        let (template, problems) = try UsernameTemplate.lenient(trimmed)
                        for problem in problems {
                            warn(child, "username '\(trimmed)': \(problem); kept literally, as Thunderbird does")
                        }
                        fields.username = template
                    }
                }
            case "url":
                if fields.url == nil { fields.url = text.trimmingWhitespace() }
            case "password":
                warn(child, "a <password> in the file was dropped: mailconf never stores a secret it was not asked to")
            default:
                return false
            }
            return true
        }

        /// One `<authentication>`: a generic method, `system="sasl"` or `system="http"`.
        /// Anything else is ignored with a warning, as the draft's must-ignore rule asks.
        mutating func readAuthentication(_ e: XElement, urlBased: Bool) -> AuthenticationChoice? {
            let text = e.text
            switch e.attribute("system") {
            case nil:
                if let a = AuthenticationMethod(clientConfigName: text) { return .method(a) }
                warn(e, "authentication '\(text)' is not a clientConfig value; ignored")
            case "sasl":
                guard !urlBased else {
                    warn(e, "<authentication system=\"sasl\"> on a URL-based server ignored: SASL is for servers reached by host and port")
                    return nil
                }
                do { return try AuthenticationChoice.sasl(checking: text.trimmingWhitespace()) } catch {
                    warn(e, "\(error); ignored")
                }
            case "http":
                guard urlBased else {
                    warn(e, "<authentication system=\"http\"> on a server reached by host and port ignored: HTTP authentication is for URL-based servers")
                    return nil
                }
                do { return try AuthenticationChoice.http(checking: text.trimmingWhitespace()) } catch {
                    warn(e, "\(error); ignored")
                }
            case let other?:
                warn(e, "<authentication system=\"\(other)\"> ignored: the systems defined are sasl and http")
            }
            return nil
        }

        /// A section beside `emailProvider` (calendar, addressbook, …). A registered type
        /// becomes a `ServiceSetting`; an unknown type, or one left incomplete, is nil and
        /// its XML is kept as written (clientConfig 1.1 files carry older DAV forms).
        mutating func readService(_ e: XElement, section: ServiceSetting.Section) -> ServiceSetting? {
            let type = e.attribute("type") ?? ""
            guard let kind = ServiceSetting.Kind.find(section: section, type: type) else {
                warn(e, "<\(section) type=\"\(type)\"> is not a registered type; kept as written, not used")
                return nil
            }
            var fields = SectionFields()
            var current = e
            do {
                for child in e.elements where child.namespaceURI == nil {
                    current = child
                    if try !readField(child, into: &fields, urlBased: kind.isURLBased) {
                        warn(child, "<\(child.name)> in <\(section)> ignored")
                    }
                }
                current = e
                return try ServiceSetting(section: section, type: kind.type, url: fields.url, hostname: fields.hostname,
                                          port: fields.port, security: fields.security, authentication: fields.authentication,
                                          username: fields.username)
            } catch {
                warn(current, "<\(section) type=\"\(type)\"> not used, kept as written: \(error)")
                return nil
            }
        }

        /// The `<oAuth2>` block. A client secret is dropped: mailconf keeps no secret it
        /// was not asked to, and the draft's clients are public clients.
        mutating func readOAuth2(_ e: XElement) -> OAuth2Settings? {
            var fields: [String: String] = [:]
            for child in e.elements where child.namespaceURI == nil {
                let text = child.text.trimmingWhitespace()
                switch child.name {
                case "authURL", "tokenURL", "issuer", "scope", "clientID":
                    if fields[child.name] == nil, !text.isEmpty { fields[child.name] = child.name == "scope" ? oneLine(text) : text }
                case "clientSecret":
                    warn(child, "the OAuth2 <clientSecret> was dropped: mailconf never stores a secret it was not asked to")
                default:
                    warn(child, "<\(child.name)> in <oAuth2> ignored")
                }
            }
            do {
                return try OAuth2Settings(authURL: fields["authURL"], tokenURL: fields["tokenURL"], issuer: fields["issuer"],
                                          scope: fields["scope"], clientID: fields["clientID"])
            } catch {
                warn(e, "<oAuth2> kept as written, not used: \(error)")
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

