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
            var parts = Parts()
            readRootSections(root, into: &parts)
            try readEmailProvider(ep, into: &parts)
            return try assemble(parts, ep: ep, fallbackID: fallbackID)
        }

        /// What a file says, gathered before it becomes a ``Provider``.
        struct Parts {
            var extras = ClientConfigExtras()
            var services: [ServiceSetting] = []
            var oauth2: OAuth2Settings?
            var domains: [String] = []
            var mxDomains: [String] = []
            var displayName: String?
            var shortName: String?
            var servers: [ServerSetting] = []
            var documentation: [DocumentationLink] = []
            var meta: Metadata?
        }

        /// The sections beside `<emailProvider>`: services (CalDAV, CardDAV…) and `<oAuth2>`;
        /// anything else is kept as it was, for writing back.
        mutating func readRootSections(_ root: XElement, into parts: inout Parts) {
            for child in root.elements where !(child.name == "emailProvider" && child.namespaceURI == nil) {
                if child.namespaceURI == nil, let section = ServiceSetting.Section(rawValue: child.name) {
                    if let service = readService(child, section: section) {
                        parts.services.append(service)
                        continue
                    }
                } else if child.namespaceURI == nil, child.name == "oAuth2" {
                    if parts.oauth2 != nil {
                        warn(child, "a second <oAuth2> is ignored")
                        continue
                    }
                    if let settings = readOAuth2(child) {
                        parts.oauth2 = settings
                        continue
                    }
                }
                parts.extras.clientConfig.append(XMLFragment.serialize(child))
            }
        }

        /// `<emailProvider>`'s children: domains, names, servers, documentation, and
        /// mailconf's own `<mc:provider>`; anything else is kept as it was.
        mutating func readEmailProvider(_ ep: XElement, into parts: inout Parts) throws(FormatError) {
            for child in ep.elements {
                if isExtension(child) {
                    if child.name == "provider" {
                        if parts.meta != nil { warn(child, "a second <mc:provider> is ignored") } else { parts.meta = try readMetadata(child) }
                    } else {
                        warn(child, "unknown mailconf element <\(child.qualifiedName)> ignored")
                    }
                    continue
                }
                if child.namespaceURI != nil {
                    parts.extras.emailProvider.append(XMLFragment.serialize(child))
                    continue
                }
                switch child.name {
                case "domain": readDomain(child, into: &parts)
                case "displayName":
                    if parts.displayName == nil { parts.displayName = oneLine(child.text) }
                case "displayShortName":
                    if parts.shortName == nil { parts.shortName = oneLine(child.text) }
                case "incomingServer", "outgoingServer":
                    if let server = readServer(child) { parts.servers.append(server) }
                case "documentation":
                    if let link = readDocumentation(child) { parts.documentation.append(link) }
                default:
                    parts.extras.emailProvider.append(XMLFragment.serialize(child))
                }
            }
        }

        /// One `<domain>`: an address domain, or with `purpose="mx"` an MX domain.
        mutating func readDomain(_ child: XElement, into parts: inout Parts) {
            let text = child.text.trimmingWhitespace()
            let purpose = child.attribute("purpose")
            guard purpose == nil || purpose == "mx" else {
                // An address domain claimed for a purpose not known here is not
                // taken as an address domain: it may mean anything.
                warn(child, "<domain purpose=\"\(purpose!)\"> skipped: the only purpose defined is \"mx\"")
                return
            }
            do {
                let host = try Hostname(text)
                if host.isTemplate || host.isIPAddress {
                    warn(child, "domain '\(text)' is not a DNS name; skipped")
                } else if purpose == "mx" {
                    if !parts.mxDomains.contains(host.name) { parts.mxDomains.append(host.name) }
                } else if !parts.domains.contains(host.name) {
                    parts.domains.append(host.name)
                }
            } catch {
                warn(child, "domain skipped: \(error)")
            }
        }

        /// The provider the parts make, or why they make none.
        mutating func assemble(_ parts: Parts, ep: XElement, fallbackID: String) throws(FormatError) -> Provider {
            guard !parts.domains.isEmpty else {
                throw fail(.missingElement, ep, "<emailProvider> has no valid <domain>; Thunderbird rejects such a file too")
            }
            guard !parts.servers.isEmpty else {
                throw fail(.noUsableServer, ep, "no usable <incomingServer> or <outgoingServer>"
                           + (warnings.isEmpty ? "" : " (\(warnings.map(\.description).joined(separator: "; ")))"))
            }
            // Incoming before outgoing, as the writer puts them; each role keeps its order.
            let servers = parts.servers.filter { $0.role == .incoming } + parts.servers.filter { $0.role == .outgoing }
            let meta = parts.meta
            let id = meta?.id ?? fallbackID
            let kind = meta?.kind ?? (servers.contains { $0.role == .incoming } ? .mailbox : .relay)
            let name = parts.displayName ?? parts.shortName ?? id
            if parts.displayName == nil { warn(ep, "no <displayName>; '\(name)' is used") }
            do {
                return try Provider(
                    id: id, displayName: String(name.prefix(200)), shortName: parts.shortName.map { String($0.prefix(100)) },
                    kind: kind, domains: parts.domains,
                    documentation: parts.documentation, notes: meta?.notes, region: meta?.region,
                    dnsRecords: meta?.dnsRecords ?? [], servers: servers,
                    mxDomains: parts.mxDomains, services: parts.services, oauth2: parts.oauth2,
                    clientConfigID: ep.attribute("id"), clientConfigExtras: parts.extras)
            } catch {
                throw fail(.invalidValue, meta?.element ?? ep, error.description)
            }
        }

        /// Collapses line breaks and runs of spaces in free text to single spaces.
        func oneLine(_ text: String) -> String {
            text.collapsingWhitespace()
        }
    }
}
