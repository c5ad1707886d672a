import Foundation
import Kerberos
import MailSettings
import SASL
import SMTPClient
import Testing
import TestSupport
@testable import Validator

/// The validator's Kerberos checks against the lab: a real KDC, Postfix's GSSAPI port
/// (Dovecot with the smtp/localhost keytab) and its CRAM-MD5-only port.
@Suite(.serialized, .needs(.labKerberos))
struct KerberosVerification {
    let lab = LabServers.current!
    var krb: LabKerberos { lab.kerberos! }

    func request(_ proto: ServerProtocol = .smtp, port: LabPort, host: String = "localhost", security: ConnectionSecurity = .none,
                 cache: String?, mechanism: MechanismName? = nil, servicePrincipal: String? = nil) throws -> VerifyRequest {
        let setting = try ServerSetting(protocol: proto, hostname: Hostname(host), port: Port(lab.port(port)),
                                        security: security, authentication: [.gssapi])
        var r = VerifyRequest(setting: setting, mechanism: mechanism, trust: .caFile(lab.caFile), timeout: 15)
        r.kerberos = KerberosOptions(credentialCache: cache, servicePrincipal: servicePrincipal)
        return r
    }

    @Test func aKerberosSettingLogsInWithTheTicketAndNoPassword() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        // GSSAPI is the setting's way in and no password is given: no mechanism needs naming.
        let r = try request(port: .gssapi, cache: cache)
        #expect(r.usesKerberos)
        let result = await LiveCheck.verifyWithAlternatives(r, alternatives: [])
        #expect(result.ok, "\(result.kind?.name ?? "") \(result.message)")
        #expect(result.mechanismUsed == "GSSAPI")
        #expect(result.authMechanisms == ["GSSAPI"])
    }

    /// As a real site runs it: STARTTLS first (the port refuses AUTH before it), then the
    /// ticket inside TLS, with the certificate checked.
    @Test func kerberosAfterSTARTTLS() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let r = try request(port: .gssapiTLS, security: .starttls, cache: cache)
        let result = await LiveCheck.verifyWithAlternatives(r, alternatives: [])
        #expect(result.ok, "\(result.kind?.name ?? "") \(result.message)")
        #expect(result.mechanismUsed == "GSSAPI")
        #expect(result.tls?.verified == true)
        #expect(result.capabilitiesBeforeTLS?.contains { $0.hasPrefix("AUTH") } == false)

        // Without STARTTLS that port offers AUTH only after STARTTLS: tls-required, and the
        // working STARTTLS setting on the same port is named.
        let plain = try request(port: .gssapiTLS, cache: cache)
        let refused = await LiveCheck.verifyWithAlternatives(
            plain, alternatives: [(UInt16(lab.port(.gssapiTLS)), .starttls)])
        #expect(refused.kind == "tls-required", "\(refused.kind?.name ?? "") \(refused.message)")
        #expect(refused.message.contains("AUTH only after STARTTLS"))
        #expect(refused.suggestion == "the server wants STARTTLS first; localhost:\(lab.port(.gssapiTLS)) STARTTLS works")
    }

    @Test func aCheckThatMustNotLogInStopsBeforeAUTHEvenWithATicket() async throws {
        let folder = TemporaryFolder()
        var r = try request(port: .gssapi, cache: try krb.ticketCache(in: folder))
        r.logIn = false
        r.keepTranscript = true
        let result = await LiveCheck.verify(r)
        #expect(result.kind == "credentials-missing")
        #expect(result.mechanismUsed == nil)
        #expect(result.transcript?.entries.contains { $0.phase == "auth" } == false)
    }

    @Test func aPortWithoutGSSAPINamesTheOneThatHasIt() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let r = try request(port: .cram, cache: cache)
        let result = await LiveCheck.verifyWithAlternatives(
            r, alternatives: [(UInt16(lab.port(.gssapi)), ConnectionSecurity.none)])
        #expect(result.kind == "gssapi-not-offered")
        #expect(result.message.contains("it offers CRAM-MD5"))
        // The password mechanisms are not tried instead (there is no password): only the
        // same port's other securities and the port given.
        #expect(result.alternatives?.count == 3)
        #expect(result.alternatives?.contains { $0.setting == result.setting } == false)
        #expect(result.suggestion == "this port does not offer Kerberos (GSSAPI); localhost:\(lab.port(.gssapi)) none works")
    }

    @Test func aTicketTheServerCannotReadIsKerberosRejected() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let r = try request(port: .gssapi, cache: cache, servicePrincipal: "smtp/mail.mailconf.test@\(krb.realm)")
        let result = await LiveCheck.verifyWithAlternatives(r, alternatives: [])
        #expect(result.kind == "kerberos-rejected")
        #expect(result.message.contains("smtp/mail.mailconf.test@\(krb.realm)"))
        #expect(result.message.contains("keytab"))
    }

    /// IMAP and POP3 log in with the same ticket machinery, for `imap@HOST` and `pop@HOST`
    /// (RFC 4752's service names), at the lab Dovecot whose keytab has those principals.
    @Test(arguments: [(ServerProtocol.imap, LabPort.imapGSSAPI, "imap"), (.pop3, .pop3GSSAPI, "pop")])
    func incomingServersLogInWithTheTicket(_ proto: ServerProtocol, _ port: LabPort, _ service: String) async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let r = try request(proto, port: port, cache: cache)
        #expect(r.usesKerberos)
        let result = await LiveCheck.verifyWithAlternatives(r, alternatives: [])
        #expect(result.ok, "\(result.kind?.name ?? "") \(result.message)")
        #expect(result.mechanismUsed == "GSSAPI")
        #expect(result.authMechanisms == ["GSSAPI"])

        // A ticket for a principal the KDC knows and this server's keytab lacks.
        let wrong = try request(proto, port: port, cache: cache, servicePrincipal: "smtp/mail.mailconf.test@\(krb.realm)")
        let refused = await LiveCheck.verifyWithAlternatives(wrong, alternatives: [])
        #expect(refused.kind == "kerberos-rejected", "\(refused.kind?.name ?? "") \(refused.message)")
        #expect(refused.message.contains("keytab"))

        // Without a ticket: the client's own failure, before any login is sent.
        let none = try request(proto, port: port, cache: "FILE:" + folder.url.appendingPathComponent("absent").path)
        let missing = await LiveCheck.verifyWithAlternatives(none, alternatives: [])
        #expect(missing.kind == "kerberos-no-credentials", "\(missing.kind?.name ?? "") \(missing.message)")
        #expect(missing.message.contains("\(service)@localhost") || missing.message.contains("kinit"), "\(missing.message)")
    }

    @Test func clientSideKerberosFailuresAreNotProbedElsewhere() async throws {
        let folder = TemporaryFolder()
        let r = try request(port: .gssapi, cache: "FILE:" + folder.url.appendingPathComponent("absent").path, mechanism: "GSSAPI")
        let result = await LiveCheck.verifyWithAlternatives(r, alternatives: [(UInt16(lab.port(.cram)), ConnectionSecurity.none)])
        #expect(result.kind == "kerberos-no-credentials")
        #expect(result.alternatives == nil, "another port cannot fix a missing ticket")
        #expect(result.message.contains("kinit"))
    }

    @Test func aPasswordGivenForAMixedSettingIsUsedInsteadOfKerberos() throws {
        let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(587),
                                        security: .starttls, authentication: [.gssapi, .passwordCleartext])
        #expect(VerifyRequest(setting: setting).usesKerberos)
        #expect(!VerifyRequest(setting: setting, secret: Secret("x")).usesKerberos)
        #expect(VerifyRequest(setting: setting, secret: Secret("x"), mechanism: "gssapi").usesKerberos)
    }
}
