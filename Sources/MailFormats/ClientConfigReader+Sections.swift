import Failures
import MailSettings

/// The other sections of a clientConfig: services, `<oAuth2>`, documentation, and
/// mailconf's own `<mc:provider>` metadata.
extension ClientConfig.Reader {
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
