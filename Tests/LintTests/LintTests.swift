import Catalog
import MailSettings
import Testing
@testable import Lint

private func smtp(_ port: Int, _ security: ConnectionSecurity, _ auth: [AuthenticationMethod] = [.passwordCleartext],
                  username: String? = nil) throws -> ServerSetting {
    try smtp(at: "smtp.example.org", port, security, auth, username: username)
}

private func smtp(at host: String, _ port: Int, _ security: ConnectionSecurity,
                  _ auth: [AuthenticationMethod] = [.passwordCleartext], username: String? = nil) throws -> ServerSetting {
    try ServerSetting(protocol: .smtp, hostname: Hostname(host), port: Port(port), security: security, authentication: auth,
                      username: username.map { try UsernameTemplate.lenient($0).0 })
}

private func rules(_ findings: [LintFinding]) -> Set<String> { Set(findings.map(\.rule)) }

@Suite struct LintRules {
    @Test(arguments: [(465, ConnectionSecurity.starttls), (465, .none), (2465, .starttls), (587, .tls), (25, .tls), (2525, .tls)])
    func portAndSecurityMustMatch(_ port: Int, _ security: ConnectionSecurity) throws {
        let findings = Linter.lint(try smtp(port, security, [.none]))
        let f = try #require(findings.first { $0.rule == "port-security-mismatch" })
        #expect(f.severity == .error)
        #expect(f.message.contains("\(port)"))
        #expect(f.fix != nil)
    }

    @Test(arguments: [(465, ConnectionSecurity.tls), (587, .starttls), (2525, .starttls), (2465, .tls), (2587, .starttls)])
    func matchingPortsAreClean(_ port: Int, _ security: ConnectionSecurity) throws {
        #expect(Linter.lint(try smtp(port, security)).isEmpty)
    }

    @Test func passwordsAndEncryption() throws {
        #expect(rules(Linter.lint(try smtp(587, .none))).contains("password-without-encryption"))
        let cram = Linter.lint(try smtp(587, .none, [.passwordEncrypted]))
        #expect(cram.first { $0.rule == "cram-md5-without-tls" }?.severity == .warning)
        #expect(!rules(cram).contains("password-without-encryption"))
        #expect(Linter.lint(try smtp(587, .none, [.none])).isEmpty)
    }

    @Test func kerberosWantsAHostName() throws {
        let byAddress = try ServerSetting(protocol: .smtp, hostname: Hostname("192.0.2.7"), port: Port(587),
                                          security: .starttls, authentication: [.gssapi])
        #expect(Linter.lint(byAddress).map(\.rule) == ["kerberos-needs-host-name"])
        #expect(Linter.lint(byAddress).first?.message.contains("smtp@HOST") == true)
        var byName = byAddress
        byName.hostname = try Hostname("mail.example.org")
        #expect(Linter.lint(byName).isEmpty)
        var plain = byName
        plain.security = ConnectionSecurity.none
        #expect(Linter.lint(plain).map(\.rule) == ["kerberos-without-tls"])
        #expect(Linter.lint(plain).first?.severity == .warning)
    }

    @Test func port25AndUnusualPorts() throws {
        #expect(Linter.lint(try smtp(25, .starttls)).map(\.rule) == ["port-25-submission"])
        let odd = Linter.lint(try smtp(8025, .starttls))
        #expect(odd.map(\.rule) == ["unusual-port"])
        #expect(odd.first?.severity == .info)
    }

    @Test func relayConventions() throws {
        #expect(rules(Linter.lint(try smtp(at: "smtp.sendgrid.net", 587, .starttls, username: "me@example.org"))).contains("sendgrid-username"))
        #expect(Linter.lint(try smtp(at: "smtp.sendgrid.net", 587, .starttls, username: "apikey")).isEmpty)
        #expect(rules(Linter.lint(try smtp(at: "email-smtp.amazonaws.com", 587, .starttls))).contains("ses-regional-host"))
        let regional = Linter.lint(try smtp(at: "email-smtp.eu-west-1.amazonaws.com", 587, .starttls))
        #expect(regional.map(\.rule) == ["ses-smtp-credentials"])
        #expect(regional.first?.message.contains("eu-west-1") == true)
        #expect(rules(Linter.lint(try smtp(at: "smtp.postmarkapp.com", 587, .starttls, username: "%EMAILADDRESS%"))).contains("postmark-token"))
    }

    @Test func brokenPlaceholders() throws {
        let f = Linter.lint(try smtp(587, .starttls, username: "%EMAILADDRESS"))
        #expect(f.first?.rule == "unknown-placeholder")
        #expect(f.first?.severity == .error)
        #expect(Linter.lint(try smtp(587, .starttls, username: "%EMAILADDRESS%")).isEmpty)
    }

    @Test func oauthProvidersAndAppPasswords() throws {
        let oauthOnly = try Provider(id: "o", displayName: "OnlyOAuth", kind: .mailbox, domains: ["o.example"],
                                     servers: [smtp(at: "smtp.o.example", 587, .starttls, [.oauth2])])
        let mixed = try Provider(id: "m", displayName: "Mixed", kind: .mailbox, domains: ["m.example"],
                                 servers: [smtp(at: "smtp.m.example", 465, .tls, [.oauth2, .passwordCleartext])])
        let refused = Linter.lint(try smtp(at: "smtp.o.example", 587, .starttls), reference: oauthOnly)
        #expect(refused.first { $0.rule == "oauth2-only" }?.severity == .error)
        #expect(Linter.lint(try smtp(at: "smtp.o.example", 587, .starttls, [.oauth2]), reference: oauthOnly).isEmpty)
        #expect(Linter.lint(try smtp(at: "smtp.m.example", 465, .tls), reference: mixed).map(\.rule) == ["app-password"])
    }

    @Test func duplicateAlternatives() throws {
        let p = try Provider(id: "d", displayName: "D", kind: .relay, domains: ["d.example"],
                             servers: [smtp(465, .tls), smtp(587, .starttls), smtp(465, .tls)])
        let found = Linter.lint(p)
        #expect(found.count == 1)
        #expect(found.first?.server == 2)
        #expect(found.first?.finding.rule == "duplicate-alternative")
    }

    @Test func everyShippedPresetPassesWithoutErrors() throws {
        let presets = try Presets.load()
        #expect(presets.count > 40)
        for (provider, source, _) in presets {
            let errors = Linter.lint(provider).filter { $0.finding.severity == .error }
            #expect(errors.isEmpty, "\(source): \(errors.map { "\($0.finding.rule): \($0.finding.message)" })")
        }
    }
}
