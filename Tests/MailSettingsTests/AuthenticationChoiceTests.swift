import Testing
@testable import MailSettings

@Suite struct AuthenticationChoices {
    @Test func peopleAndTheCatalogWriteThemAlike() throws {
        #expect(try AuthenticationChoice(parsing: "sasl:scram-sha-256-plus") == .sasl("SCRAM-SHA-256-PLUS"))
        #expect(try AuthenticationChoice(parsing: "http:basic") == .http("Basic"))
        #expect(try AuthenticationChoice(parsing: "OAuth2") == .method(.oauth2))
        for c in [AuthenticationChoice.sasl("CRAM-MD5"), .http("Digest"), .method(.passwordCleartext)] {
            #expect(try AuthenticationChoice(parsing: c.description) == c)
        }
        for bad in ["sasl:", "sasl:A B", "sasl:MORE-THAN-TWENTY-CHARS", "http:Bearer", "http:", "kerberos5", "sasl:X\r\nY"] {
            #expect(throws: ValidationError.self, "\(bad)") { try AuthenticationChoice(parsing: bad) }
        }
    }

    @Test func eachMechanismHasTheFamilyA11ReaderKnows() {
        let families: [(AuthenticationChoice, AuthenticationMethod?)] = [
            (.sasl("PLAIN"), .passwordCleartext), (.sasl("SCRAM-SHA-1"), .passwordEncrypted), (.sasl("DIGEST-MD5"), .passwordEncrypted),
            (.sasl("OAUTHBEARER"), .oauth2), (.sasl("GSSAPI"), .gssapi), (.sasl("EXTERNAL"), .clientCertificate),
            (.http("Basic"), .passwordCleartext), (.http("Digest"), .passwordEncrypted), (.sasl("ANONYMOUS"), nil),
        ]
        for (choice, family) in families { #expect(choice.family == family, "\(choice)") }
    }

    @Test func aListOnly12ReadersUnderstandGetsItsFamilies() throws {
        #expect(AuthenticationChoice.withLegacyFallback([.sasl("SCRAM-SHA-256"), .sasl("PLAIN")])
                == [.sasl("SCRAM-SHA-256"), .sasl("PLAIN"), .method(.passwordEncrypted), .method(.passwordCleartext)])
        // A 1.1 word is already there (GSSAPI reads as GSSAPI): nothing is added.
        #expect(AuthenticationChoice.withLegacyFallback([.sasl("GSSAPI")]) == [.sasl("GSSAPI")])
        #expect(AuthenticationChoice.withLegacyFallback([.sasl("SCRAM-SHA-256"), .method(.passwordCleartext)])
                == [.sasl("SCRAM-SHA-256"), .method(.passwordCleartext)])
        var s = try ServerSetting(protocol: .imap, hostname: Hostname("imap.x.org"), port: 993, security: .tls,
                                  choices: [.sasl("SCRAM-SHA-256-PLUS")])
        #expect(s.authentication == [.passwordEncrypted])
        // The rule holds after an edit too.
        s.authenticationChoices = [.sasl("OAUTHBEARER")]
        #expect(s.authenticationChoices == [.sasl("OAUTHBEARER"), .method(.oauth2)])
    }

    @Test func aMechanismNobodyCanPlaceOrInTheWrongPlaceIsRefused() {
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .imap, hostname: Hostname("imap.x.org"), port: 993, security: .tls, choices: [.sasl("ANONYMOUS")])
        }
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .imap, hostname: Hostname("imap.x.org"), port: 993, security: .tls,
                              choices: [.http("Basic"), .method(.passwordCleartext)])
        }
        #expect(throws: ValidationError.self) {
            try ServerSetting(protocol: .jmap, hostname: nil, port: nil, security: nil,
                              choices: [.sasl("PLAIN"), .method(.passwordCleartext)], url: "https://jmap.x.org/")
        }
    }
}
