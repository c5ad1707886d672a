import Crypto
import Foundation
import MailSettings

/// Apple's user-agent auto-configuration (draft-eggert-mailmaint-uaautoconf, since taken
/// into draft-ietf-mailmaint-pacc): the JSON served at
/// `https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json`, and the
/// `_ua-auto-config.DOMAIN` TXT record that carries its SHA-256, so that a client trusts
/// only the bytes the domain's owner published. The shape is the one Stalwart serves
/// (crates/common/src/network/autoconfig/pacc.rs); see docs/pacc.md for what was read.
///
/// The format names no ports, no STARTTLS and no usernames: a server is implicit TLS on
/// its protocol's default port, and the login is the address. So only settings of that
/// kind are written; a provider that has none of them gets no document.
public enum UserAgentConfiguration {
    /// The well-known path, asked at `ua-auto-config.DOMAIN`.
    public static let path = "/.well-known/user-agent-configuration.json"
    /// The host clients ask, for a mail domain.
    public static func host(for domain: String) -> String { "ua-auto-config.\(domain)" }
    /// The TXT record's name, for a mail domain.
    public static func recordName(for domain: String) -> String { "_ua-auto-config.\(domain)" }

    /// The default implicit-TLS ports the format assumes.
    static let defaultPorts: [ServerProtocol: UInt16] = [.imap: 993, .pop3: 995, .smtp: 465]

    /// The document for `domain`, compact JSON with sorted keys (the same bytes every time,
    /// as the digest in DNS requires).
    public static func render(_ provider: Provider, domain: String) throws(ExportError) -> String {
        let address = (try? EmailAddress("user@\(domain)"))
        var protocols: [String: Endpoint] = [:]
        var usesPassword = false
        var usesOAuth2 = false
        func take(_ key: String, _ endpoint: Endpoint, _ auth: [AuthenticationMethod]) {
            guard protocols[key] == nil else { return }
            protocols[key] = endpoint
            usesPassword = usesPassword || auth.contains { $0.usesPassword }
            usesOAuth2 = usesOAuth2 || auth.contains(.oauth2)
        }
        for s in provider.servers where s.username == nil || s.username?.text == "%EMAILADDRESS%" {
            if s.protocol == .jmap, let url = s.url {
                take("jmap", Endpoint(url: url), s.authentication)
            } else if let port = defaultPorts[s.protocol], s.security == .tls, s.port?.value == port, let host = s.hostname {
                var named = host
                if host.isTemplate {
                    guard let address, let expanded = try? host.expanded(for: address) else { continue }
                    named = expanded
                }
                take(s.protocol.rawValue, Endpoint(host: named.name), s.authentication)
            }
        }
        let davKeys: [ServiceSetting.Section: (type: String, key: String)] = [
            .calendar: ("caldav", "caldav"), .addressbook: ("carddav", "carddav"), .fileShare: ("webdav", "webdav"),
        ]
        for s in provider.services {
            guard let dav = davKeys[s.section], s.type == dav.type, let url = s.url, url.hasPrefix("https://") else { continue }
            take(dav.key, Endpoint(url: url), ServerSetting.generic(s.authenticationChoices))
        }
        guard !protocols.isEmpty else {
            throw ExportError(.unsuitable, "\(provider.id) has no server a user-agent configuration can describe: it knows only "
                              + "implicit TLS on the default ports (IMAP 993, POP3 995, SMTP 465), JMAP, CalDAV, CardDAV and WebDAV, "
                              + "each logging in with the full address")
        }
        var authentication = Authentication(password: usesPassword)
        // Only an issuer that is a URL can be an OAuth public-client issuer; the ISPDB's
        // bare names (accounts.google.com) are not, and those providers do not take
        // unregistered public clients anyway.
        if usesOAuth2, let issuer = provider.oauth2?.issuer, issuer.hasPrefix("https://") {
            authentication.oauthPublic = .init(issuer: issuer)
        }
        var info = Info(provider: .init(name: String(provider.displayName.prefix(60)),
                                        shortName: provider.shortName.map { String($0.prefix(20)) }))
        if let doc = provider.documentation.first?.url { info.help = .init(documentation: doc) }
        let document = Document(protocols: protocols, authentication: authentication, info: info)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(document), as: UTF8.self) } catch {
            throw ExportError(.unrepresentable, "the user-agent configuration of \(provider.id) could not be encoded: \(error)")
        }
    }

    /// The TXT record's text for a document: `v=UAAC1; a=sha256; d=BASE64`, the digest
    /// over the exact bytes served.
    public static func record(for document: String) -> String {
        "v=UAAC1; a=sha256; d=\(digest(of: document))"
    }

    /// The base64 SHA-256 of the document's bytes, as the record's `d=` carries it.
    public static func digest(of document: String) -> String {
        Data(SHA256.hash(data: Array(document.utf8))).base64EncodedString()
    }

    /// The digests a TXT record's text carries (`a=sha256` only), or nil when it is not one of these.
    public static func digests(inRecord text: String) -> (version: String, sha256: String?)? {
        var tags: [String: String] = [:]
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty else { continue }
            tags[pair[0].lowercased()] = pair[1]
        }
        guard let version = tags["v"], version.hasPrefix("UAAC") else { return nil }
        return (version, tags["a"]?.lowercased() == "sha256" ? tags["d"] : nil)
    }

    struct Document: Encodable {
        var protocols: [String: Endpoint]
        var authentication: Authentication
        var info: Info
    }
    struct Endpoint: Encodable {
        var host: String?
        var url: String?
    }
    struct Authentication: Encodable {
        var password: Bool
        var oauthPublic: OAuthPublic?
        struct OAuthPublic: Encodable { var issuer: String }
        enum CodingKeys: String, CodingKey { case password, oauthPublic = "oauth-public" }
    }
    struct Info: Encodable {
        var provider: Provider
        var help: Help?
        struct Provider: Encodable {
            var name: String
            var shortName: String?
        }
        struct Help: Encodable { var documentation: String }
    }
}
