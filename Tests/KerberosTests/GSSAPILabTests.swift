import Foundation
import Kerberos
import SMTPClient
import Testing
import TestSupport

private let kdcMissing = "no lab KDC: run the tests through scripts/test.sh, which starts a Kerberos KDC, Postfix and Dovecot with GSSAPI"

/// SASL GSSAPI against the lab: a real MIT KDC (realm MAILCONF.TEST), Postfix on
/// GSSAPI_PORT with Dovecot accepting tickets for smtp/localhost from its keytab.
/// One at a time: several tests make tickets with kinit.
@Suite(.serialized, .enabled(if: LabServers.current?.kerberos != nil, Comment(rawValue: kdcMissing)))
struct GSSAPIAgainstTheLabKDC {
    let lab = LabServers.current!
    var krb: LabKerberos { lab.kerberos! }

    /// Logs in over a fresh session; nil when the server said 235.
    func login(_ options: KerberosOptions, host: String = "localhost", port: String = "GSSAPI_PORT",
               authorizationIdentity: String = "") async throws -> (error: SMTPClientError?, transcript: Transcript) {
        let session = SMTPSession(options: SMTPSessionOptions(host: host, port: lab.port(port), tls: .none))
        try await session.open()
        var failure: SMTPClientError?
        do {
            let mechanism = GSSAPIMechanism(host: host, options: options, authorizationIdentity: authorizationIdentity)
            if session.capabilities?.offers("GSSAPI") == true { try await mechanism.prepare(timeout: 10) }
            try await session.authenticate(mechanism)
        } catch let e as SMTPClientError {
            failure = e
        } catch let e as SASLError {
            failure = .sasl(e)
        }
        let transcript = session.transcript
        await session.close()
        return (failure, transcript)
    }

    @Test func aGoodTicketLogsIn() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let (error, transcript) = try await login(KerberosOptions(credentialCache: cache))
        #expect(error == nil, "\(String(describing: error))")
        // The exchange is in the transcript, the tokens are not.
        let text = transcript.text
        #expect(text.contains("AUTH GSSAPI <redacted>"))
        #expect(text.contains("235"))
        #expect(!transcript.entries.contains { $0.direction == .sent && $0.text.count > 60 })

        // Acting as alice (the authorization identity) is allowed for alice's own ticket.
        let (asAlice, _) = try await login(KerberosOptions(credentialCache: cache), authorizationIdentity: "alice")
        #expect(asAlice == nil, "\(String(describing: asAlice))")
    }

    @Test func aClientKeytabLogsInWithoutTouchingAnyCache() async throws {
        let (error, _) = try await login(KerberosOptions(principal: krb.alice, keytab: krb.aliceKeytab))
        #expect(error == nil, "\(String(describing: error))")
        // Without a principal, the keytab's first one.
        let (first, _) = try await login(KerberosOptions(keytab: krb.aliceKeytab))
        #expect(first == nil, "\(String(describing: first))")
        // Nothing was written to the lab's default cache.
        #expect(!FileManager.default.fileExists(atPath: krb.directory.appendingPathComponent("ccache").path))
    }

    @Test func noTicketSaysRunKinit() async throws {
        let folder = TemporaryFolder()
        let (error, _) = try await login(KerberosOptions(credentialCache: "FILE:" + folder.url.appendingPathComponent("none").path))
        #expect(error?.kind == "kerberos-no-credentials")
        #expect(error?.description.contains("run kinit") == true, "\(String(describing: error))")
        #expect(error?.description.contains(folder.url.path) == true)
    }

    @Test func anExpiredTicketSaysSo() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder, lifetime: "2s")
        try await Task.sleep(for: .seconds(3))
        let (error, _) = try await login(KerberosOptions(credentialCache: cache))
        #expect(error?.kind == "kerberos-ticket-expired", "\(String(describing: error))")
        #expect(error?.description.contains("kinit") == true)
    }

    @Test func aTicketMadeWithASkewedClockIsClockSkew() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder, clockOffset: "+2h")
        let (error, _) = try await login(KerberosOptions(credentialCache: cache))
        #expect(error?.kind == "kerberos-clock-skew", "\(String(describing: error))")
        #expect(error?.description.contains("clock") == true)
    }

    @Test func anIPAddressHasNoServicePrincipal() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let (error, _) = try await login(KerberosOptions(credentialCache: cache), host: "127.0.0.1")
        #expect(error?.kind == "kerberos-unknown-service", "\(String(describing: error))")
        #expect(error?.description.contains("smtp@127.0.0.1") == true)
    }

    @Test func aServicePrincipalMissingFromTheServersKeytabIsRefusedByTheServer() async throws {
        // The KDC knows smtp/mail.mailconf.test, so the ticket is issued; the mail
        // server's keytab holds only smtp/localhost, so it cannot read it and says 535.
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let (error, _) = try await login(KerberosOptions(credentialCache: cache, servicePrincipal: "smtp/mail.mailconf.test@\(krb.realm)"))
        guard case .authRejected(let reply)? = error else {
            Issue.record("expected the server's refusal, got \(String(describing: error))")
            return
        }
        #expect(reply.code == 535)
    }

    @Test func aRealmWithoutAReachableKDCIsUnreachable() async throws {
        let (error, _) = try await login(KerberosOptions(principal: krb.nowherePrincipal, keytab: krb.nowhereKeytab))
        #expect(error?.kind == "kerberos-realm-unreachable", "\(String(describing: error))")
    }

    @Test func aServerWithoutGSSAPISaysWhatItOffers() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let (error, _) = try await login(KerberosOptions(credentialCache: cache), port: "CRAM_PORT")
        #expect(error == .authMechanismNotOffered("GSSAPI", offered: ["CRAM-MD5"]))
    }
}
