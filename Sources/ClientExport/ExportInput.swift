import MailSettings

/// A provider and, optionally, the address it is written for, with the choices every
/// exporter shares: which servers, which username, which host.
struct ExportInput {
    let provider: Provider
    let address: EmailAddress?

    /// IMAP before POP3, then the order the catalog lists them in (its preference).
    var incoming: [ServerSetting] {
        let hosted = provider.incoming.filter { $0.hostname != nil && $0.port != nil && !$0.protocol.isURLBased }
        return hosted.filter { $0.protocol == .imap } + hosted.filter { $0.protocol == .pop3 }
    }

    /// The first outgoing setting with encryption, else the first at all.
    var outgoing: ServerSetting? {
        let hosted = provider.outgoing.filter { $0.hostname != nil && $0.port != nil }
        return hosted.first { ($0.security ?? .none) != .none } ?? hosted.first
    }

    /// The outgoing setting, for the formats that are about sending.
    func requireOutgoing() throws(ExportError) -> ServerSetting {
        guard let s = outgoing else { throw ExportError(.unsuitable, "\(provider.id) has no outgoing (SMTP) server to write") }
        return s
    }

    /// The preferred incoming server of one protocol.
    func incoming(_ p: ServerProtocol) -> ServerSetting? { incoming.first { $0.protocol == p } }

    /// The host name, with %EMAILDOMAIN% filled in when there is an address.
    func host(_ s: ServerSetting) throws(ExportError) -> String {
        guard let h = s.hostname else { return "" }
        guard h.isTemplate else { return h.name }
        guard let address else {
            throw ExportError(.needsAddress, "\(provider.id)'s server \(h.name) depends on the address: give --email ADDRESS")
        }
        do { return try h.expanded(for: address).name } catch {
            throw ExportError(.unrepresentable, "\(h.name) filled in for \(address) is not a host name: \(error)")
        }
    }

    /// The username filled in for the address; nil when the setting has none. Formats that
    /// cannot keep a placeholder get `.needsAddress` when there is no address.
    func username(_ s: ServerSetting) throws(ExportError) -> String? {
        guard let t = s.username else { return nil }
        if t.isLiteral { return t.text }
        guard let address else {
            throw ExportError(.needsAddress,
                              "\(provider.id)'s username is \(t.text), which depends on the address: give --email ADDRESS (or export for the address itself)")
        }
        return t.expanded(for: address)
    }

    /// The username, or nil (for formats where the device asks) when it needs an address
    /// that was not given.
    func usernameIfKnown(_ s: ServerSetting) -> String? {
        guard let t = s.username else { return nil }
        if t.isLiteral { return t.text }
        return address.map { t.expanded(for: $0) }
    }

    var name: String { provider.displayName }

    /// "Gmail (gmail)": how comments name the provider, with control characters made spaces
    /// so nothing a name holds can end a comment line.
    var commentName: String { Self.commentSafe("\(provider.displayName) (\(provider.id))") }

    static func commentSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// The password-using method a format can name, in order of preference.
    func passwordMethod(_ s: ServerSetting) -> AuthenticationMethod? {
        [.passwordEncrypted, .passwordCleartext, .ntlm].first { s.authentication.contains($0) }
    }

    /// The client logs in with Kerberos (GSSAPI): the setting has it and no password method
    /// or OAuth2 a format would pick first (a mail client always has a password to ask
    /// for). No password is written or asked for then.
    func usesKerberos(_ s: ServerSetting) -> Bool {
        s.loginPlan(secretAtHand: true) == .kerberos
    }
}

extension ServerSetting {
    var portNumber: Int { Int(port?.value ?? 0) }
    var securityOrNone: ConnectionSecurity { security ?? .none }
    var needsAuthentication: Bool { !(authentication.isEmpty || authentication == [.none] || authentication.allSatisfy { $0 == .clientIPAddress || $0 == .none }) }
}
