import MailSettings

extension ClientConfig {
    struct Writer {
        let provider: Provider
        let version: Version
        let address: EmailAddress?
        let includeExtension: Bool
        let mc = ClientConfig.extensionPrefix

        func write() throws(FormatError) -> String {
            let w = XMLWriter()
            var declared: [String: String] = [:]
            w.start("clientConfig")
            w.attribute("version", version.rawValue)
            if includeExtension {
                w.attribute("xmlns:\(mc)", ClientConfig.extensionNamespace)
                declared[mc] = ClientConfig.extensionNamespace
            }
            w.start("emailProvider")
            w.attribute("id", provider.clientConfigID ?? provider.domains.first ?? provider.id)
            for domain in provider.domains { w.element("domain", domain) }
            if version == .v1_2 {
                for domain in provider.mxDomains { w.element("domain", domain, attributes: [("purpose", "mx")]) }
            }
            w.element("displayName", provider.displayName)
            if let short = provider.shortName { w.element("displayShortName", short) }
            for server in provider.incoming + provider.outgoing where version == .v1_2 || !Self.is1_2Only(server.protocol) {
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
            if version == .v1_2 {
                for service in provider.services { try writeService(service, to: w) }
            }
            if let oauth2 = provider.oauth2 { writeOAuth2(oauth2, to: w) }
            for xml in provider.clientConfigExtras.clientConfig {
                w.replay(try XMLFragment.parse(xml), declared: declared)
            }
            w.end() // clientConfig
            return w.finish()
        }

        func writeServer(_ s: ServerSetting, to w: XMLWriter, declared: [String: String]) throws(FormatError) {
            w.start(s.role == .outgoing ? "outgoingServer" : "incomingServer")
            w.attribute("type", s.protocol.rawValue)
            try writeConnection(hostname: s.hostname, port: s.port, security: s.security, to: w)
            writeAuthentication(s.authenticationChoices, to: w)
            writeUsername(s.username, to: w)
            if let url = s.url { w.element("url", url) }
            for xml in s.clientConfigExtras { w.replay(try XMLFragment.parse(xml), declared: declared) }
            if includeExtension, let d = s.description { w.element("\(mc):description", d) }
            w.end()
        }

        /// The username, its placeholders filled in when an address was given.
        func writeUsername(_ username: UsernameTemplate?, to w: XMLWriter) {
            if let username { w.element("username", address.map { username.expanded(for: $0) } ?? username.text) }
        }

        /// JMAP and ActiveSync have no place in a 1.1 file.
        static func is1_2Only(_ p: ServerProtocol) -> Bool { p == .jmap || p == .activeSync }

        func writeConnection(hostname: Hostname?, port: Port?, security: ConnectionSecurity?,
                             to w: XMLWriter) throws(FormatError) {
            if let host = hostname {
                var name = host.name
                if let address, host.isTemplate {
                    do { name = try host.expanded(for: address).name } catch {
                        throw FormatError(.invalidValue, source: provider.id, "\(error)")
                    }
                }
                w.element("hostname", name)
            }
            if let port { w.element("port", port.description) }
            if let security { w.element("socketType", security.clientConfigName) }
        }

        /// 1.1: the generic methods. 1.2: every choice in order; the model keeps a
        /// generic method among them for 1.1 readers (the draft's advice for SASL-only lists).
        func writeAuthentication(_ choices: [AuthenticationChoice], to w: XMLWriter) {
            guard version == .v1_2 else {
                for a in ServerSetting.generic(choices) { w.element("authentication", a.clientConfigName) }
                return
            }
            for choice in choices {
                switch choice {
                case .method(let m): w.element("authentication", m.clientConfigName)
                case .sasl(let name): w.element("authentication", name, attributes: [("system", "sasl")])
                case .http(let scheme): w.element("authentication", scheme, attributes: [("system", "http")])
                }
            }
        }

        func writeService(_ s: ServiceSetting, to w: XMLWriter) throws(FormatError) {
            w.start(s.section.rawValue)
            w.attribute("type", s.type)
            if let url = s.url { w.element("url", url) }
            try writeConnection(hostname: s.hostname, port: s.port, security: s.security, to: w)
            writeAuthentication(s.authenticationChoices, to: w)
            writeUsername(s.username, to: w)
            w.end()
        }

        /// In the draft's order; the ISPDB's files put issuer and scope first, which
        /// means the same.
        func writeOAuth2(_ o: OAuth2Settings, to w: XMLWriter) {
            w.start("oAuth2")
            if let v = o.authURL { w.element("authURL", v) }
            if let v = o.tokenURL { w.element("tokenURL", v) }
            if let v = o.issuer { w.element("issuer", v) }
            if let v = o.scope { w.element("scope", v) }
            if let v = o.clientID { w.element("clientID", v) }
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

