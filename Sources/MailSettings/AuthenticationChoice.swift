/// One entry of a server's list of ways to log in, as clientConfig 1.2 can say it
/// (draft-ietf-mailmaint-autoconfig-06, "authentication"): a generic method that every
/// clientConfig reader knows, a specific SASL mechanism (`system="sasl"`), or an HTTP
/// authentication scheme (`system="http"`). A server keeps them in order of preference.
public enum AuthenticationChoice: Hashable, Sendable, CustomStringConvertible {
    /// The generic vocabulary of clientConfig 1.1 (`password-cleartext`, `OAuth2`, …).
    case method(AuthenticationMethod)
    /// A SASL mechanism by its registered name (RFC 4422 §3.1), such as `SCRAM-SHA-256-PLUS`.
    case sasl(String)
    /// An HTTP authentication scheme for a URL-based server: `Basic` or `Digest`.
    case http(String)

    /// The HTTP schemes the draft defines; it spells them as HTTP does.
    public static let httpSchemes = ["Basic", "Digest"]

    /// A SASL mechanism name: 1 to 20 of A–Z, 0–9, `-` and `_` (RFC 4422 §3.1).
    public static func sasl(checking name: String) throws(ValidationError) -> AuthenticationChoice {
        let upper = name.uppercased()
        guard (1...20).contains(upper.utf8.count),
              upper.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F })
        else {
            throw ValidationError(field: "SASL mechanism", value: name,
                                  reason: "it is not a SASL mechanism name",
                                  expected: "1 to 20 letters, digits, '-' or '_', such as SCRAM-SHA-256-PLUS")
        }
        return .sasl(upper)
    }

    /// An HTTP scheme the draft defines; HTTP compares scheme names without case (RFC 9110 §11.1).
    public static func http(checking name: String) throws(ValidationError) -> AuthenticationChoice {
        guard let scheme = httpSchemes.first(where: { $0.lowercased() == name.lowercased() }) else {
            throw ValidationError(field: "HTTP authentication", value: name,
                                  reason: "it is not an HTTP scheme clientConfig defines",
                                  expected: httpSchemes.joined(separator: " or ") + " (OAuth2 is written without system=\"http\")")
        }
        return .http(scheme)
    }

    /// The generic method this choice belongs to, which a 1.1 reader understands:
    /// SCRAM is `password-encrypted`, HTTP Basic `password-cleartext`, and so on.
    /// Nil for a SASL mechanism mailconf cannot place.
    public var family: AuthenticationMethod? {
        switch self {
        case .method(let m): return m
        case .http(let scheme): return scheme == "Basic" ? .passwordCleartext : .passwordEncrypted
        case .sasl(let name):
            switch name {
            case "PLAIN", "LOGIN": return .passwordCleartext
            case "CRAM-MD5", "DIGEST-MD5": return .passwordEncrypted
            case "XOAUTH2", "OAUTHBEARER": return .oauth2
            case "GSSAPI", "GS2-KRB5": return .gssapi
            case "NTLM": return .ntlm
            case "EXTERNAL": return .clientCertificate
            default: return name.hasPrefix("SCRAM-") ? .passwordEncrypted : nil
            }
        }
    }

    /// Reads what a person types and what the catalog stores: a generic method
    /// (`password-cleartext`, `oauth2`, …), `sasl:NAME` or `http:SCHEME`.
    public init(parsing text: String) throws(ValidationError) {
        let lower = text.lowercased()
        if lower.hasPrefix("sasl:") {
            self = try Self.sasl(checking: String(text.dropFirst(5)))
        } else if lower.hasPrefix("http:") {
            self = try Self.http(checking: String(text.dropFirst(5)))
        } else {
            do {
                self = .method(try AuthenticationMethod(parsing: text))
            } catch {
                throw ValidationError(field: "authentication", value: text, reason: "it is not a known authentication method",
                                      expected: AuthenticationMethod.allCases.map(\.rawValue).joined(separator: ", ")
                                          + ", sasl:MECHANISM (such as sasl:SCRAM-SHA-256) or http:Basic / http:Digest")
            }
        }
    }

    /// The form `init(parsing:)` reads back: `oauth2`, `sasl:SCRAM-SHA-256`, `http:Basic`.
    public var description: String {
        switch self {
        case .method(let m): return m.rawValue
        case .sasl(let name): return "sasl:\(name)"
        case .http(let scheme): return "http:\(scheme)"
        }
    }

    /// What a clientConfig 1.1 reader takes this entry for: it ignores the `system`
    /// attribute and knows only 1.1's words, so `system="sasl"` GSSAPI is GSSAPI to it,
    /// and SCRAM-SHA-256 nothing at all.
    public var legacyReading: AuthenticationMethod? {
        switch self {
        case .method(let m): return m
        case .sasl(let name), .http(let name): return AuthenticationMethod(clientConfigName: name)
        }
    }

    /// The list as the draft advises it be written: where a 1.1 reader would find no
    /// entry it knows (only SASL mechanisms or HTTP schemes), the entries' families
    /// follow them. SCRAM-SHA-256 alone becomes SCRAM-SHA-256, then password-encrypted.
    public static func withLegacyFallback(_ choices: [AuthenticationChoice]) -> [AuthenticationChoice] {
        guard !choices.contains(where: { $0.legacyReading != nil }) else { return choices }
        var out = choices
        for f in choices.compactMap(\.family) where !out.contains(.method(f)) { out.append(.method(f)) }
        return out
    }

    /// HTTP schemes belong to URL-based servers, SASL mechanisms to those reached by host
    /// and port; `what` names the server in the message.
    public static func check(_ choices: [AuthenticationChoice], urlBased: Bool, what: String) throws(ValidationError) {
        for choice in choices {
            switch choice {
            case .http where !urlBased:
                throw ValidationError(field: "authentication", value: choice.description,
                                      reason: "HTTP authentication applies to URL-based servers only",
                                      expected: "a generic method or a sasl: mechanism for a \(what)")
            case .sasl where urlBased:
                throw ValidationError(field: "authentication", value: choice.description,
                                      reason: "a SASL mechanism applies to servers reached by host and port only",
                                      expected: "a generic method or http:Basic / http:Digest for a \(what)")
            default: break
            }
        }
    }

    public var method: AuthenticationMethod? {
        if case .method(let m) = self { return m } else { return nil }
    }
}

extension AuthenticationChoice: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try AuthenticationChoice(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
