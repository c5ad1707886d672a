import Failures
import MailSettings

/// The server elements of a clientConfig: `<incomingServer>`, `<outgoingServer>`, their
/// fields and authentication.
extension ClientConfig.Reader {
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
}
