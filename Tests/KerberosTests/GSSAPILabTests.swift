import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Kerberos
import MailNet
import SASL
import SMTPClient
import Testing
import TestSupport

/// SASL GSSAPI against the lab: a real MIT KDC (realm MAILCONF.TEST), Postfix on
/// GSSAPI_PORT with Dovecot accepting tickets for smtp/localhost from its keytab.
/// One at a time: several tests make tickets with kinit.
@Suite(.serialized, .needs(.labKerberos))
struct GSSAPIAgainstTheLabKDC {
    let lab = LabServers.current!
    var krb: LabKerberos { lab.kerberos! }

    /// Logs in over a fresh session; nil when the server said 235.
    func login(_ options: KerberosOptions, host: String = "localhost", port: LabPort = .gssapi,
               authorizationIdentity: String = "", kdcTimeout: Double = 10) async throws -> (error: SMTPClientError?, transcript: Transcript) {
        let session = SMTPSession(options: SMTPSessionOptions(host: host, port: lab.port(port), tls: .none))
        try await session.open()
        var failure: SMTPClientError?
        do {
            let mechanism = GSSAPIMechanism(host: host, options: options, authorizationIdentity: authorizationIdentity)
            if session.capabilities?.offers("GSSAPI") == true { try await mechanism.prepare(timeout: kdcTimeout) }
            try await session.authenticate(mechanism)
        } catch let e as SMTPClientError {
            failure = e
        } catch let e as SASLError {
            failure = .session(.sasl(e))
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

    /// Both tickets got with a clock 2 hours ahead: this machine, back on time, finds the
    /// service ticket not valid yet. Still a clock problem, and said as one.
    @Test func aServiceTicketFromAClockAheadIsClockSkew() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder, clockOffset: "+2h", serviceTicket: "smtp/localhost@\(krb.realm)")
        let (error, _) = try await login(KerberosOptions(credentialCache: cache))
        #expect(error?.kind == "kerberos-clock-skew", "\(String(describing: error))")
        #expect(error?.description.contains("not valid yet") == true)
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

    @Test func aPrincipalTheKDCDoesNotKnowIsUnknownClient() async throws {
        let (error, _) = try await login(KerberosOptions(principal: krb.unknownClient, keytab: krb.unknownClientKeytab))
        #expect(error?.kind == "kerberos-unknown-client", "\(String(describing: error))")
        #expect(error?.description.contains(krb.unknownClient) == true)
    }

    /// A KDC that takes the request and never answers: the login gives up at the
    /// deadline instead of waiting for the Kerberos library's own retries.
    @Test func aKDCThatNeverAnswersIsCutOffAtTheDeadline() async throws {
        let silent = try SilentKDC(port: lab.port(.silentKDC))
        let (error, _) = try await login(KerberosOptions(principal: krb.silentPrincipal, keytab: krb.silentKeytab), kdcTimeout: 2)
        #expect(error?.kind == "kerberos-realm-unreachable", "\(String(describing: error))")
        #expect(error?.description.contains("no answer from the Kerberos KDC within 2.0 s") == true, "\(String(describing: error))")
        silent.close()
    }

    @Test func aServerWithoutGSSAPISaysWhatItOffers() async throws {
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let (error, _) = try await login(KerberosOptions(credentialCache: cache), port: .cram)
        #expect(error == .session(.authMechanismNotOffered("GSSAPI", offered: ["CRAM-MD5"])))
    }
}

/// A KDC that never answers: a UDP socket nobody reads and a TCP listener whose
/// connections the kernel completes and nobody serves.
final class SilentKDC: @unchecked Sendable {
    private var sockets: [Int32] = []

    init(port: Int) throws {
        for type in [SOCK_DGRAM, SOCK_STREAM] {
            let fd = socket(AF_INET, Int32(type.rawValue), 0)
            guard fd >= 0 else { throw SilentKDCError(message: "socket: errno \(errno)") }
            sockets.append(fd)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(); throw SilentKDCError(message: "bind 127.0.0.1:\(port): errno \(errno)") }
            if type == SOCK_STREAM { listen(fd, 16) }
        }
    }

    func close() {
        for fd in sockets { Glibc.close(fd) }
        sockets = []
    }

    deinit { close() }

    struct SilentKDCError: Error { var message: String }
}
