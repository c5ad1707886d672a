import Crypto
import MailFormats
import MailSettings

/// An Apple configuration profile with one com.apple.mail.managed payload. The same
/// input gives the same file: UUIDs are derived from it (UUID version 5), not random.
/// No password is written; the device asks for it when the profile is installed, and
/// for the address and username too when no address was given.
enum MobileConfigExport {
    static func render(_ input: ExportInput) throws(ExportError) -> String {
        guard let incoming = input.incoming.first, let outgoing = input.outgoing else {
            throw ExportError(.unsuitable, "\(input.provider.id) needs an incoming and an outgoing server for a mail profile")
        }
        let p = input.provider
        let inAuth = try authentication(incoming, input)
        let outAuth = try authentication(outgoing, input)
        let inUser = input.usernameIfKnown(incoming)
        let outUser = input.usernameIfKnown(outgoing)
        let who = input.address?.description ?? ""
        let identifier = reverseDNS(input)

        var mail: [(String, PlistValue)] = [
            ("EmailAccountDescription", .string(p.displayName)),
            ("EmailAccountType", .string(incoming.protocol == .pop3 ? "EmailTypePOP" : "EmailTypeIMAP")),
        ]
        if let address = input.address { mail.append(("EmailAddress", .string(address.description))) }
        mail += [
            ("IncomingMailServerAuthentication", .string(inAuth)),
            ("IncomingMailServerHostName", .string(try input.host(incoming))),
            ("IncomingMailServerPortNumber", .integer(incoming.portNumber)),
            ("IncomingMailServerUseSSL", .bool(incoming.securityOrNone != .none)),
        ]
        if let inUser { mail.append(("IncomingMailServerUsername", .string(inUser))) }
        mail += [
            ("OutgoingMailServerAuthentication", .string(outAuth)),
            ("OutgoingMailServerHostName", .string(try input.host(outgoing))),
            ("OutgoingMailServerPortNumber", .integer(outgoing.portNumber)),
            ("OutgoingMailServerUseSSL", .bool(outgoing.securityOrNone != .none)),
        ]
        if let outUser { mail.append(("OutgoingMailServerUsername", .string(outUser))) }
        mail += [
            ("OutgoingPasswordSameAsIncomingPassword", .bool(inUser == outUser && outAuth != "EmailAuthNone")),
            ("PayloadDescription", .string("Sets up the mail account \(who.isEmpty ? p.displayName : who).")),
            ("PayloadDisplayName", .string("\(p.displayName) mail")),
            ("PayloadIdentifier", .string(identifier + ".mail")),
            ("PayloadType", .string("com.apple.mail.managed")),
            ("PayloadUUID", .string(uuid(input, part: "mail"))),
            ("PayloadVersion", .integer(1)),
        ]
        let profile: [(String, PlistValue)] = [
            ("PayloadContent", .array([.dict(mail)])),
            ("PayloadDescription", .string("Mail settings for \(who.isEmpty ? p.displayName : who), written by mailconf.")),
            ("PayloadDisplayName", .string(who.isEmpty ? "\(p.displayName) mail settings" : "Mail settings for \(who)")),
            ("PayloadIdentifier", .string(identifier)),
            ("PayloadRemovalDisallowed", .bool(false)),
            ("PayloadType", .string("Configuration")),
            ("PayloadUUID", .string(uuid(input, part: "profile"))),
            ("PayloadVersion", .integer(1)),
        ]
        try AutodiscoverExport.checkXMLText(PlistValue.dict(profile).strings)

        let w = XMLWriter()
        w.doctype("plist", publicID: "-//Apple//DTD PLIST 1.0//EN", systemID: "http://www.apple.com/DTDs/PropertyList-1.0.dtd")
        w.start("plist")
        w.attribute("version", "1.0")
        PlistValue.dict(profile).write(to: w)
        w.end()
        return w.finish()
    }

    /// Apple's names for how the client logs in.
    static func authentication(_ s: ServerSetting, _ input: ExportInput) throws(ExportError) -> String {
        if !s.needsAuthentication { return "EmailAuthNone" }
        switch input.passwordMethod(s) {
        case .passwordEncrypted?: return "EmailAuthCRAMMD5"
        case .passwordCleartext?: return "EmailAuthPassword"
        case .ntlm?: return "EmailAuthNTLM"
        default:
            throw ExportError(.unsupportedAuthentication,
                              "\(input.provider.id)'s \(s.protocol.rawValue.uppercased()) server \(s.summary) logs in with \(s.authentication.map(\.rawValue).joined(separator: ", ")), which a mail profile cannot set up (it knows passwords, CRAM-MD5 and NTLM)")
        }
    }

    /// `com.example.mailconf.gmail.alice`: the address's domain reversed (or the
    /// provider's first domain), then the provider and the local part.
    static func reverseDNS(_ input: ExportInput) -> String {
        let domain = input.address?.domain ?? input.provider.domains.first ?? "preset.mailconf.invalid"
        var labels = domain.split(separator: ".").reversed().map(String.init)
        labels += ["mailconf", input.provider.id]
        if let local = input.address?.localPart { labels.append(local) }
        return labels.map(identifierLabel).joined(separator: ".")
    }

    static func identifierLabel(_ s: String) -> String {
        let kept = String(s.lowercased().unicodeScalars.map { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" ? Character($0) : "-" })
        return kept.isEmpty ? "x" : kept
    }

    /// A name-based UUID (RFC 9562 version 5, SHA-1) under mailconf's own namespace.
    static func uuid(_ input: ExportInput, part: String) -> String {
        let namespace: [UInt8] = [0x6b, 0x1e, 0x3d, 0x52, 0x0f, 0x8a, 0x4c, 0x3e, 0x9a, 0x41, 0x2d, 0x7c, 0x55, 0x90, 0x1b, 0xe3]
        let name = "mobileconfig\u{0}\(input.provider.id)\u{0}\(input.address?.description ?? "")\u{0}\(part)"
        var bytes = Array(Insecure.SHA1.hash(data: namespace + Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b in String(b, radix: 16, uppercase: true).leftPadded(2) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

/// The property-list values a profile uses, written through libxml2.
indirect enum PlistValue {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([PlistValue])
    case dict([(String, PlistValue)])

    func write(to w: XMLWriter) {
        switch self {
        case .string(let s): w.element("string", s)
        case .integer(let i): w.element("integer", String(i))
        case .bool(let b):
            w.start(b ? "true" : "false")
            w.end()
        case .array(let items):
            w.start("array")
            for i in items { i.write(to: w) }
            w.end()
        case .dict(let pairs):
            w.start("dict")
            for (k, v) in pairs {
                w.element("key", k)
                v.write(to: w)
            }
            w.end()
        }
    }

    var strings: [String] {
        switch self {
        case .string(let s): return [s]
        case .integer, .bool: return []
        case .array(let items): return items.flatMap(\.strings)
        case .dict(let pairs): return pairs.flatMap { [$0.0] + $0.1.strings }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
