import Failures
import Foundation
import MailNet
import MailSettings
import SASL
import Testing
import TestSupport
@testable import Validator

/// IMAP and POP3 settings verified against the lab's real Dovecot: each row asserts the
/// kind and the working alternative named. IMAP_REMOTE_PORT and POP3_REMOTE_PORT listen
/// on 127.0.0.2, where Dovecot wants STARTTLS/STLS before a login (it takes a client
/// with its own address, 127.0.0.1, for a secure one); on EXPIRED_ADDRESS and
/// WRONGNAME_ADDRESS the same listeners show an expired and a wrong-name certificate.
@Suite(.serialized, .needs(.lab))
struct IncomingAgainstDovecot {
    let lab = LabServers.current!

    struct Row: CustomStringConvertible, Sendable {
        var proto: ServerProtocol
        var port: LabPort
        var security: ConnectionSecurity
        var password: String? = "good"      // nil: no credentials
        var trust = "ca"
        /// Where "localhost" goes: nil for 127.0.0.1, else that lab address.
        var address: LabAddress? = nil
        var plaintextAllowed = false
        var expected: String?
        /// `{PORT}` stands for the lab port of that name.
        var suggestion: String? = nil
        var description: String {
            "\(proto.rawValue) \(port) \(security) \(password ?? "no-login") \(trust)\(address.map { " " + $0.rawValue } ?? "") → \(expected ?? "ok")"
        }
    }

    static let rows: [Row] = [
        // IMAP
        Row(proto: .imap, port: .imaps, security: .tls, expected: nil),
        Row(proto: .imap, port: .imaps, security: .tls, password: "bad", expected: "auth-rejected"),
        Row(proto: .imap, port: .imap, security: .starttls, expected: nil),
        Row(proto: .imap, port: .imap, security: .starttls, password: "bad", expected: "auth-rejected"),
        Row(proto: .imap, port: .imap, security: .none, expected: "plaintext-auth-refused",
            suggestion: "localhost:{IMAP_PORT} STARTTLS works"),
        Row(proto: .imap, port: .imap, security: .tls, expected: "tls-handshake-failed",
            suggestion: "localhost:{IMAP_PORT} STARTTLS works"),
        Row(proto: .imap, port: .imaps, security: .starttls, expected: "greeting-timeout",
            suggestion: "localhost:{IMAPS_PORT} SSL/TLS works"),
        Row(proto: .imap, port: .imaps, security: .tls, trust: "system", expected: "certificate-untrusted"),
        Row(proto: .imap, port: .imaps, security: .tls, address: .expired, expected: "certificate-expired"),
        Row(proto: .imap, port: .imap, security: .starttls, address: .wrongName, expected: "certificate-name-mismatch"),
        Row(proto: .imap, port: .imapRemote, security: .none, address: .remote, plaintextAllowed: true, expected: "tls-required",
            suggestion: "the server wants STARTTLS first; localhost:{IMAP_REMOTE_PORT} STARTTLS works"),
        Row(proto: .imap, port: .imapRemote, security: .starttls, address: .remote, expected: nil),
        // A setting that needs a login, checked without credentials: said so, as for SMTP.
        Row(proto: .imap, port: .imaps, security: .tls, password: nil, expected: "credentials-missing"),
        // POP3
        Row(proto: .pop3, port: .pop3s, security: .tls, expected: nil),
        Row(proto: .pop3, port: .pop3s, security: .tls, password: "bad", expected: "auth-rejected"),
        Row(proto: .pop3, port: .pop3, security: .starttls, expected: nil),
        Row(proto: .pop3, port: .pop3, security: .starttls, password: "bad", expected: "auth-rejected"),
        Row(proto: .pop3, port: .pop3, security: .none, expected: "plaintext-auth-refused",
            suggestion: "localhost:{POP3_PORT} STARTTLS works"),
        Row(proto: .pop3, port: .pop3, security: .tls, expected: "tls-handshake-failed",
            suggestion: "localhost:{POP3_PORT} STARTTLS works"),
        Row(proto: .pop3, port: .pop3s, security: .starttls, expected: "greeting-timeout",
            suggestion: "localhost:{POP3S_PORT} SSL/TLS works"),
        Row(proto: .pop3, port: .pop3s, security: .tls, trust: "system", expected: "certificate-untrusted"),
        Row(proto: .pop3, port: .pop3s, security: .tls, address: .wrongName, expected: "certificate-name-mismatch"),
        Row(proto: .pop3, port: .pop3, security: .starttls, address: .expired, expected: "certificate-expired"),
        Row(proto: .pop3, port: .pop3Remote, security: .none, address: .remote, plaintextAllowed: true, expected: "tls-required",
            suggestion: "the server wants STARTTLS first; localhost:{POP3_REMOTE_PORT} STARTTLS works"),
        Row(proto: .pop3, port: .pop3Remote, security: .starttls, address: .remote, expected: nil),
        Row(proto: .pop3, port: .pop3s, security: .tls, password: nil, expected: "credentials-missing"),
    ]

    @Test(arguments: rows)
    func row(_ r: Row) async throws {
        let setting = try ServerSetting(protocol: r.proto, hostname: Hostname("localhost"), port: Port(lab.port(r.port)),
                                        security: r.security, authentication: [.passwordCleartext], username: .emailAddress)
        var request = VerifyRequest(setting: setting, username: r.password == nil ? nil : lab.user,
                                    secret: r.password.map { $0 == "good" ? Secret(lab.passwordText) : Secret("wrong-\($0)") },
                                    trust: r.trust == "ca" ? .caFile(lab.caFile) : .system,
                                    allowPlaintextAuth: r.plaintextAllowed, timeout: 3, keepTranscript: true)
        switch r.address {
        case nil: break
        case let name?: request.resolver = FixedAddresses([try #require(lab.address(name), "\(name) is not in the lab's env file")])
        }
        let tlsPort: LabPort = r.proto == .imap ? .imaps : .pop3s, startTLSPort: LabPort = r.proto == .imap ? .imap : .pop3
        let result = await LiveCheck.verifyWithAlternatives(
            request, alternatives: [(UInt16(lab.port(tlsPort)), .tls), (UInt16(lab.port(startTLSPort)), .starttls)], probeTimeout: 3)
        #expect(result.kind?.name == r.expected, "\(r): \(result.message)")
        var suggestion = r.suggestion
        for name in [LabPort.imap, .imaps, .imapRemote, .pop3, .pop3s, .pop3Remote] {
            suggestion = suggestion?.replacingOccurrences(of: "{\(name)}", with: "\(lab.port(name))")
        }
        #expect(result.suggestion == suggestion, "\(r): \(result.message)")
        // The password never reaches the transcript, whatever happened.
        #expect(!(result.transcript?.text.contains(lab.passwordText) ?? false))
        if r.expected == nil && r.password != nil { #expect(result.mechanismUsed != nil, "\(r)") }
        if r.trust == "system" { #expect(result.certificateProblems?.first?.name == "certificate-untrusted") }
        if r.address == .expired || r.address == .wrongName { #expect(result.certificateProblems?.map(\.name) == r.expected.map { [$0] }, "\(r)") }
    }
}
