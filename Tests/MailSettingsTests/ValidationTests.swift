import Testing
import MailSettings

@Suite struct Hostnames {
    @Test(arguments: ["smtp.gmail.com", "SMTP.Gmail.COM", "localhost", "xn--bcher-kva.example", "mail-1.example.org",
                      "smtp.example.com.", "127.0.0.1", "::1", "[2001:db8::25]", "mail.%EMAILDOMAIN%", "%EMAILDOMAIN%"])
    func accepted(_ text: String) throws {
        let host = try Hostname(text)
        #expect(host.name == host.name.lowercased() || host.isTemplate)
        #expect(!host.name.hasSuffix("."))
    }

    /// IP literals are told by the C library's own reading (inet_pton), not by a look.
    @Test func ipLiteralsAreToldFromNames() throws {
        #expect(try Hostname("192.0.2.7").isIPAddress)
        #expect(try Hostname("[2001:db8::25]").isIPAddress)
        #expect(try Hostname("::ffff:192.0.2.7").isIPAddress)
        #expect(try !Hostname("smtp.gmail.com").isIPAddress)
        #expect(try !Hostname("1.2.3.example").isIPAddress)
        #expect(try !Hostname("mail.%EMAILDOMAIN%").isIPAddress)
        for bad in ["999.1.1.1", "1.2.3", "1.2.3.4.5", "010.1.1.1", "1.2.3.256"] {
            #expect(throws: ValidationError.self, "\(bad)") { try Hostname(bad) }
        }
        #expect(throws: ValidationError.self) { try Hostname("2001:db8::25::1") }
    }

    @Test func canonicalForm() throws {
        #expect(try Hostname("SMTP.Gmail.COM.").name == "smtp.gmail.com")
        #expect(try Hostname("Mail.%EMAILDOMAIN%").name == "mail.%EMAILDOMAIN%")
        #expect(try Hostname("[2001:DB8::25]").name == "2001:db8::25")
        #expect(try Hostname("mail.%EMAILDOMAIN%").expanded(for: EmailAddress("a@Example.ORG")).name == "mail.example.org")
    }

    @Test(arguments: [
        ("", "empty"), ("smtp gmail.com", "space"), ("smtp\r\n.gmail.com", "control"), ("smtp..gmail.com", "empty label"),
        (".gmail.com", "empty label"), ("-smtp.gmail.com", "hyphen"), ("smtp_1.gmail.com", "'_'"), ("bücher.example", "IDNA"),
        (String(repeating: "a", count: 64) + ".com", "63"), ("mail.%EMAILDOMAN%", "unknown placeholder"),
        ("mail.%EMAILDOMAIN", "not closed"), ("999.1.1.1", "IPv4"), ("1:2:3:4:5:6:7:8:9", "IPv6"), ("smtp.gmail.com/x", "'/'"),
    ])
    func refusedWithAReason(_ text: String, _ reasonPart: String) {
        do {
            _ = try Hostname(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.field == "hostname")
            #expect(error.description.contains(reasonPart), "\(error)")
            #expect(error.description.contains("expected"))
            #expect(!error.description.contains("\r") && !error.description.contains("\n"))
        }
    }
}

@Suite struct Ports {
    @Test func range() throws {
        #expect(try Port(Int(1)).value == 1)
        #expect(try Port(Int(65535)).value == 65535)
        #expect(try Port(parsing: "587").value == 587)
        for bad in [0, -1, 65536, 100_000] {
            #expect(throws: ValidationError.self) { try Port(bad) }
        }
        for bad in ["", "58 7", "+587", "0x1", "587a", "99999", "000000587"] {
            do { _ = try Port(parsing: bad); Issue.record("accepted \(bad)") } catch {
                #expect(error.field == "port")
                #expect(error.description.contains("1 to 65535"))
            }
        }
    }
}

@Suite struct EmailAddresses {
    @Test func accepted() throws {
        let a = try EmailAddress("Alice.Smith+tag@Example.ORG")
        #expect(a.localPart == "Alice.Smith+tag")
        #expect(a.domain == "example.org")
        #expect(a.description == "Alice.Smith+tag@example.org")
        #expect(try EmailAddress("\"odd local\"@example.org").localPart == "\"odd local\"")
    }

    @Test(arguments: ["", "alice", "@example.org", "alice@", "a@b@example.org", "alice @example.org", "alice@exa mple.org",
                      "alice@example.org\r\nRCPT TO:<x@y>", ".alice@example.org", "al..ice@example.org", "alice@127.0.0.1",
                      "alice@%EMAILDOMAIN%", String(repeating: "a", count: 65) + "@example.org", "a<b@example.org"])
    func refused(_ text: String) {
        do { _ = try EmailAddress(text); Issue.record("accepted \(text)") } catch {
            #expect(error.field == "e-mail address")
            #expect(error.description.contains("alice@example.org"))
        }
    }

    /// Each rule names what broke it (the checks run over the UTF-8 bytes).
    @Test(arguments: [
        ("alice", "it has no @"), ("@example.org", "the part before @ is empty"), ("alice@", "the part after @ is empty"),
        ("a@b@example.org", "it has more than one @"), ("alice @example.org", "it contains a space"),
        ("alice@exa mple.org", "it contains a space"), ("a<b@example.org", "the part before @ contains '<'"),
        ("a\\b@example.org", "the part before @ contains '\\'"), (".alice@example.org", "the part before @ has a misplaced dot"),
        ("alice.@example.org", "the part before @ has a misplaced dot"), ("al..ice@example.org", "the part before @ has a misplaced dot"),
        (String(repeating: "a", count: 65) + "@example.org", "the part before @ is longer than 64 octets"),
        (String(repeating: "ö", count: 33) + "@example.org", "the part before @ is longer than 64 octets"),
    ])
    func refusedWithTheReason(_ text: String, reason: String) {
        do { _ = try EmailAddress(text); Issue.record("accepted \(text)") } catch {
            #expect(error.reason == reason, "\(text)")
        }
    }

    @Test func quotedAndNonASCIILocalPartsAreKept() throws {
        #expect(try EmailAddress("\"a..b<c>\"@example.org").localPart == "\"a..b<c>\"")
        #expect(try EmailAddress("jörg.müller@example.org").localPart == "jörg.müller")
        #expect(try EmailAddress(String(repeating: "ö", count: 32) + "@example.org").localPart.count == 32)
    }
}

@Suite struct Templates {
    @Test func usernamePlaceholdersExpand() throws {
        let address = try EmailAddress("bob@example.net")
        #expect(try UsernameTemplate("%EMAILADDRESS%").expanded(for: address) == "bob@example.net")
        #expect(try UsernameTemplate("%EMAILLOCALPART%").expanded(for: address) == "bob")
        #expect(try UsernameTemplate("%EMAILLOCALPART%+%EMAILDOMAIN%").expanded(for: address) == "bob+example.net")
        let literal = try UsernameTemplate("apikey")
        #expect(literal.isLiteral)
        #expect(literal.expanded(for: address) == "apikey")
    }

    @Test func strictRefusesBrokenPlaceholdersLenientKeepsThem() throws {
        for bad in ["%EMAILADDRESS", "%EMAIL%", "%emailaddress%x%"] {
            #expect(throws: ValidationError.self) { try UsernameTemplate(bad) }
        }
        let (kept, problems) = try UsernameTemplate.lenient("%EMAILADDRESS")
        #expect(kept.text == "%EMAILADDRESS")
        #expect(kept.isLiteral)
        #expect(problems == ["placeholder %EMAILADDRESS is not closed with %"])
        #expect(throws: ValidationError.self) { try UsernameTemplate.lenient("user\nname") }
        #expect(throws: ValidationError.self) { try UsernameTemplate("") }
    }

    @Test func percentSignInALiteralUsernameIsAllowedLeniently() throws {
        let (t, problems) = try UsernameTemplate.lenient("100%sure")
        #expect(t.expanded(for: try EmailAddress("a@b.org")) == "100%sure")
        #expect(problems.count == 1)
    }
}

@Suite struct Enumerations {
    @Test func clientConfigNamesRoundTrip() {
        for s in ConnectionSecurity.allCases {
            #expect(ConnectionSecurity(clientConfigName: s.clientConfigName) == s)
        }
        for a in AuthenticationMethod.allCases {
            #expect(AuthenticationMethod(clientConfigName: a.clientConfigName) == a)
        }
        // Thunderbird compares these exactly.
        #expect(ConnectionSecurity(clientConfigName: "ssl") == nil)
        #expect(AuthenticationMethod(clientConfigName: "oauth2") == nil)
        #expect(AuthenticationMethod(clientConfigName: "plain") == .passwordCleartext)
    }

    @Test func peopleCanTypeCommonNames() throws {
        #expect(try ConnectionSecurity(parsing: "SSL") == .tls)
        #expect(try ConnectionSecurity(parsing: "StartTLS") == .starttls)
        #expect(try AuthenticationMethod(parsing: "CRAM-MD5") == .passwordEncrypted)
        #expect(try AuthenticationMethod(parsing: "xoauth2") == .oauth2)
        #expect(try AuthenticationMethod(parsing: "kerberos") == .gssapi)
        do { _ = try ConnectionSecurity(parsing: "tls1.3"); Issue.record("accepted") } catch {
            #expect(error.description.contains("none, starttls or tls"))
        }
    }
}

@Suite struct Servers {
    @Test func combinationsAreChecked() throws {
        let host = try Hostname("smtp.example.com")
        let ok = try ServerSetting(protocol: .smtp, hostname: host, port: 587, security: .starttls, authentication: [.passwordCleartext])
        #expect(ok.role == .outgoing)
        #expect(ok.summary == "smtp.example.com:587 STARTTLS")
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .smtp, hostname: nil, port: 587, security: .starttls, authentication: [.none])
        }
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .smtp, hostname: host, port: nil, security: .starttls, authentication: [.none])
        }
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .smtp, hostname: host, port: 587, security: .starttls, authentication: [])
        }
        do {
            _ = try ServerSetting(protocol: .imap, hostname: host, port: 993, security: .tls, authentication: [.none])
            Issue.record("accepted auth none on IMAP")
        } catch {
            #expect(error.description.contains("outgoing"))
        }
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .smtp, description: "two\nlines", hostname: host, port: 25, security: ConnectionSecurity.none, authentication: [.none])
        }
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .ews, hostname: nil, port: nil, security: nil, authentication: [.oauth2], url: "ftp://x")
        }
        let ews = try ServerSetting(protocol: .ews, hostname: nil, port: nil, security: nil, authentication: [.oauth2],
                                    url: "https://outlook.office365.com/ews/exchange.asmx")
        #expect(ews.role == .incoming)
    }

    @Test func providerChecksIDAndDomains() throws {
        let s = try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.x.org"), port: 465, security: .tls, authentication: [.none])
        let p = try Provider(id: "My-Relay", displayName: "R", kind: .relay, domains: ["X.org", "x.org", "y.org"], servers: [s])
        #expect(p.id == "my-relay")
        #expect(p.domains == ["x.org", "y.org"])
        #expect(throws: ValidationError.self) { try Provider(id: "bad id", displayName: "R", kind: .relay, domains: [], servers: []) }
        #expect(throws: ValidationError.self) { try Provider(id: "-x", displayName: "R", kind: .relay, domains: [], servers: []) }
        #expect(throws: ValidationError.self) { try Provider(id: "x", displayName: "R", kind: .relay, domains: ["%EMAILDOMAIN%"], servers: []) }
        #expect(throws: ValidationError.self) { try Provider(id: "x", displayName: "", kind: .relay, domains: [], servers: []) }
    }
}

/// One decision of how a setting logs in, for verify, the exports and the service.
@Suite struct LoginPlans {
    func setting(_ auth: [AuthenticationMethod]) throws -> ServerSetting {
        try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.example.test"), port: Port(587), security: .starttls,
                          authentication: auth, username: .emailAddress)
    }

    @Test func aSecretAtHandPrefersAPasswordThenATokenThenKerberos() throws {
        #expect(try setting([.passwordCleartext, .gssapi]).loginPlan(secretAtHand: true) == .password)
        #expect(try setting([.oauth2, .passwordEncrypted]).loginPlan(secretAtHand: true) == .password)
        #expect(try setting([.oauth2, .gssapi]).loginPlan(secretAtHand: true) == .oauth2)
        #expect(try setting([.gssapi]).loginPlan(secretAtHand: true) == .kerberos)
        #expect(try setting([.ntlm]).loginPlan(secretAtHand: true) == .password)
    }

    @Test func withoutASecretKerberosIsTheWayWhereverTheSettingHasIt() throws {
        #expect(try setting([.passwordCleartext, .gssapi]).loginPlan(secretAtHand: false) == .kerberos)
        #expect(try setting([.passwordCleartext]).loginPlan(secretAtHand: false) == .password)
        #expect(try setting([.oauth2]).loginPlan(secretAtHand: false) == .oauth2)
    }

    @Test func settingsWithoutALoginSayNone() throws {
        for auth: [AuthenticationMethod] in [[.none], [.clientIPAddress], [.smtpAfterPOP], [.clientCertificate]] {
            #expect(try setting(auth).loginPlan(secretAtHand: true) == .noLogin, "\(auth)")
        }
    }
}
