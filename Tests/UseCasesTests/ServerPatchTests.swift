import MailSettings
import Testing
@testable import UseCases

/// The one parse and patch of a server's fields, as the CLI, the API and the page use it.
@Suite struct ServerPatchTests {
    @Test func authenticationNamesSplitOnCommasAndWhiteSpace() {
        #expect(ServerFieldText.names(["plain,login", " oauth2\ngssapi ", ""]) == ["plain", "login", "oauth2", "gssapi"])
    }

    @Test func givenFieldsChangeTheRestStay() throws {
        let old = try ServerSetting(protocol: .smtp, description: "relay", hostname: Hostname("smtp.example.org"), port: 587,
                                    security: .starttls, authentication: [.passwordCleartext], username: UsernameTemplate("%EMAILADDRESS%"))
        let patch = try ServerPatch(parsing: ServerFieldText(port: "465", security: "tls", authentication: ["password-cleartext, password-encrypted"],
                                                             clearUsername: true, description: ""))
        let new = patch.applied(to: old)
        #expect(new.port == 465 && new.security == .tls && new.hostname?.name == "smtp.example.org")
        #expect(new.authentication == [.passwordCleartext, .passwordEncrypted])
        #expect(new.username == nil && new.description == nil)
    }

    @Test func aRefusedValueNamesItsField() {
        #expect(throws: ValidationError.self) { try ServerPatch(parsing: ServerFieldText(port: "70000")) }
        do {
            _ = try ServerPatch(parsing: ServerFieldText(hostname: "smtp.example.org", port: "587", security: "ssl-maybe"))
            Issue.record("ssl-maybe was taken")
        } catch { #expect(error.field == "security") }
    }

    @Test func aNewServerNeedsItsFields() throws {
        let partial = try ServerPatch(parsing: ServerFieldText(hostname: "smtp.example.org", port: "587"))
        #expect(partial.missingForNewServer == ["security", "authentication"])
        do { _ = try partial.newServer(); Issue.record("a server without security was made") } catch { #expect(error.field == "security") }
        let whole = try ServerPatch(parsing: ServerFieldText(hostname: "smtp.example.org", port: "587", security: "starttls",
                                                             authentication: ["none"]))
        #expect(try whole.newServer().protocol == .smtp)
    }
}
