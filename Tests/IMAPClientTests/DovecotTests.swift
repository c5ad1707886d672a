import Foundation
import MailNet
import SASL
import TestSupport
import Testing
@testable import IMAPClient

/// Against the lab's real Dovecot. A failed login is answered on Dovecot's next 500 ms tick.
@Suite(.needs(.lab))
struct DovecotIMAP {
    let lab = LabServers.current!

    func session(_ port: LabPort, tls: TLSMode, host: String = "127.0.0.1", trust: TrustPolicy? = nil,
                 resolver: any AddressResolver = SystemResolver()) -> IMAPSession {
        IMAPSession(options: IMAPSessionOptions(host: host, port: lab.port(port), tls: tls, trust: trust ?? .caFile(lab.caFile),
                                                connectTimeout: 5, replyTimeout: 15, resolver: resolver))
    }

    /// The certificate's name, on the listener where Dovecot wants STARTTLS before a login.
    func remoteSession() -> IMAPSession {
        session(.imapRemote, tls: .startTLS, host: "localhost", resolver: FixedAddresses(["127.0.0.2"]))
    }

    @Test func goodLoginOverSTARTTLS() async throws {
        let s = session(.imap, tls: .startTLS)
        try await s.open()
        #expect(s.isEncrypted)
        #expect(s.capabilitiesBeforeTLS?.startTLS == true)
        #expect(await s.tls?.verified == true)
        let method = try await s.authenticate(username: lab.user, password: Secret(lab.passwordText))
        #expect(method == .authenticate("PLAIN"))
        await s.logout()
        #expect(s.transcript.entries.contains { $0.text.contains("LOGOUT") })
        #expect(!s.transcript.text.contains(lab.passwordText))
        #expect(!s.transcript.text.contains(Data("\u{0}\(lab.user)\u{0}\(lab.passwordText)".utf8).base64EncodedString()))
    }

    /// The check's way in: the login goes with the CAPABILITY after STARTTLS, and
    /// Dovecot answers both.
    @Test func openAndAuthenticateOverSTARTTLSPipelinesTheLogin() async throws {
        let s = remoteSession()
        let method = try await s.openAndAuthenticate(username: lab.user, password: Secret(lab.passwordText))
        #expect(method == .authenticate("PLAIN"))
        #expect(s.capabilitiesBeforeTLS?.loginDisabled == true)
        #expect(s.capabilities?.authMechanisms.contains("PLAIN") == true)
        await s.logout()
        let entries = s.transcript.entries
        let loginSent = try #require(entries.firstIndex { $0.direction == .sent && $0.text.contains("AUTHENTICATE PLAIN") })
        let capabilitiesRead = try #require(entries.firstIndex { $0.direction == .received && $0.text.hasPrefix("* CAPABILITY") })
        #expect(loginSent < capabilitiesRead)
        #expect(!s.transcript.text.contains(lab.passwordText))

        let bad = remoteSession()
        var caught: IMAPClientError?
        do { try await bad.openAndAuthenticate(username: lab.user, password: Secret("wrong-password")) } catch let e as IMAPClientError {
            caught = e
        }
        #expect(caught?.kind == "auth-rejected", "\(String(describing: caught))")
        await bad.logout()
    }

    /// LOGIN with a password that is not ASCII goes as a literal (LITERAL+, which Dovecot
    /// offers); a wrong one is refused the same way.
    @Test func loginSendsAnEightBitPasswordAsALiteral() async throws {
        let password = lab.utf8PasswordText
        #expect(password.utf8.contains { $0 >= 0x80 } && IMAPCommand.quoted(password) == nil)
        let s = session(.imap, tls: .startTLS)
        try await s.open()
        #expect(s.capabilities?.literalPlus == true)
        try await s.login(username: lab.utf8User, password: Secret(password))
        await s.logout()
        #expect(!s.transcript.text.contains(password))
        #expect(s.transcript.entries.contains { $0.direction == .sent && $0.text.hasSuffix("LOGIN <redacted>") })

        let bad = session(.imap, tls: .startTLS)
        try await bad.open()
        var caught: IMAPClientError?
        do { try await bad.login(username: lab.utf8User, password: Secret(password + "ü")) } catch let e as IMAPClientError { caught = e }
        #expect(caught?.kind == "auth-rejected", "\(String(describing: caught))")
        await bad.logout()
    }

    /// Where CRAM-MD5 is the only mechanism (the lab's CRAM-MD5 Dovecot), a password login
    /// takes it, with or without TLS, and a wrong password is auth-rejected.
    @Test func cramMD5IsChosenWhereItIsTheOnlyWay() async throws {
        let s = session(.imapCRAM, tls: .none)
        try await s.open()
        #expect(s.capabilities?.authMechanisms == ["CRAM-MD5"])
        #expect(try await s.authenticate(username: lab.user, password: Secret(lab.passwordText)) == .authenticate("CRAM-MD5"))
        await s.logout()
        #expect(!s.transcript.text.contains(lab.passwordText))

        let bad = session(.imapCRAM, tls: .none)
        try await bad.open()
        var caught: IMAPClientError?
        do { try await bad.authenticate(CramMD5Mechanism(username: lab.user, password: Secret("wrong-password"))) } catch let e as IMAPClientError {
            caught = e
        }
        #expect(caught?.kind == "auth-rejected", "\(String(describing: caught))")
        await bad.logout()
    }

    @Test func goodLoginOverImplicitTLS() async throws {
        let s = session(.imaps, tls: .implicit)
        try await s.open()
        #expect(s.isEncrypted)
        #expect(await s.tls?.certificate?.dnsNames.contains("localhost") == true)
        try await s.authenticate(username: lab.user, password: Secret(lab.passwordText))
        await s.logout()
        #expect(!s.transcript.text.contains(lab.passwordText))
    }

    @Test func authenticateLOGINOverImplicitTLS() async throws {
        let s = session(.imaps, tls: .implicit)
        try await s.open()
        var caught: IMAPClientError?
        do { try await s.authenticate(LoginMechanism(username: lab.user, password: Secret(lab.passwordText))) } catch let e as IMAPClientError {
            caught = e
        }
        #expect(caught == nil, "\(String(describing: caught))")
        await s.logout()
        #expect(!s.transcript.text.contains(lab.passwordText))
    }

    @Test func aBadPasswordIsAuthRejected() async throws {
        let s = session(.imap, tls: .startTLS)
        try await s.open()
        var caught: IMAPClientError?
        do { try await s.authenticate(username: lab.user, password: Secret("wrong-password")) } catch let e as IMAPClientError { caught = e }
        #expect(caught?.kind == "auth-rejected", "\(String(describing: caught))")
        #expect(caught?.description.contains("Authentication failed") == true)
        await s.logout()
        #expect(!s.transcript.text.contains("wrong-password"))
    }

    @Test func loginDisabledWithoutTLSIsTLSRequired() async throws {
        let s = session(.imapRemote, tls: .none, host: "127.0.0.2")
        try await s.open()
        #expect(s.capabilities?.loginDisabled == true)
        var caught: IMAPClientError?
        do { try await s.authenticate(username: lab.user, password: Secret(lab.passwordText)) } catch let e as IMAPClientError { caught = e }
        #expect(caught?.kind == "tls-required", "\(String(describing: caught))")
        await s.logout()
        #expect(!s.transcript.entries.contains { $0.text.contains("LOGIN ") || $0.text.contains("AUTHENTICATE") })
    }

    @Test func systemTrustIsCertificateUntrusted() async throws {
        let s = session(.imaps, tls: .implicit, trust: .system)
        var caught: IMAPClientError?
        do { try await s.open() } catch let e as IMAPClientError { caught = e }
        #expect(caught?.kind == "certificate-untrusted", "\(String(describing: caught))")
        await s.close()
    }

    @Test func implicitTLSOnThePlaintextPortIsHandshakeFailed() async throws {
        let s = session(.imap, tls: .implicit)
        var caught: IMAPClientError?
        do { try await s.open() } catch let e as IMAPClientError { caught = e }
        #expect(caught?.kind == "tls-handshake-failed", "\(String(describing: caught))")
        await s.close()
    }
}
