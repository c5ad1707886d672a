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
@Suite(.serialized, .enabled(if: LabServers.current != nil, Comment(rawValue: TestEnvironment.labMissing)))
struct IncomingAgainstDovecot {
    let lab = LabServers.current!

    struct Row: CustomStringConvertible, Sendable {
        var proto: ServerProtocol
        var port: String
        var security: ConnectionSecurity
        var password: String? = "good"      // nil: no credentials
        var trust = "ca"
        /// Where "localhost" goes: nil for 127.0.0.1, else REMOTE (127.0.0.2) or the name
        /// of a lab address (EXPIRED_ADDRESS, WRONGNAME_ADDRESS).
        var address: String? = nil
        var plaintextAllowed = false
        var expected: String?
        /// `{PORT}` stands for the lab port of that name.
        var suggestion: String? = nil
        var description: String {
            "\(proto.rawValue) \(port) \(security) \(password ?? "no-login") \(trust)\(address.map { " " + $0 } ?? "") → \(expected ?? "ok")"
        }
    }

    static let rows: [Row] = [
        // IMAP
        Row(proto: .imap, port: "IMAPS_PORT", security: .tls, expected: nil),
        Row(proto: .imap, port: "IMAPS_PORT", security: .tls, password: "bad", expected: "auth-rejected"),
        Row(proto: .imap, port: "IMAP_PORT", security: .starttls, expected: nil),
        Row(proto: .imap, port: "IMAP_PORT", security: .starttls, password: "bad", expected: "auth-rejected"),
        Row(proto: .imap, port: "IMAP_PORT", security: .none, expected: "plaintext-auth-refused",
            suggestion: "localhost:{IMAP_PORT} STARTTLS works"),
        Row(proto: .imap, port: "IMAP_PORT", security: .tls, expected: "tls-handshake-failed",
            suggestion: "localhost:{IMAP_PORT} STARTTLS works"),
        Row(proto: .imap, port: "IMAPS_PORT", security: .starttls, expected: "greeting-timeout",
            suggestion: "localhost:{IMAPS_PORT} SSL/TLS works"),
        Row(proto: .imap, port: "IMAPS_PORT", security: .tls, trust: "system", expected: "certificate-untrusted"),
        Row(proto: .imap, port: "IMAPS_PORT", security: .tls, address: "EXPIRED_ADDRESS", expected: "certificate-expired"),
        Row(proto: .imap, port: "IMAP_PORT", security: .starttls, address: "WRONGNAME_ADDRESS", expected: "certificate-name-mismatch"),
        Row(proto: .imap, port: "IMAP_REMOTE_PORT", security: .none, address: "REMOTE", plaintextAllowed: true, expected: "tls-required",
            suggestion: "the server wants STARTTLS first; localhost:{IMAP_REMOTE_PORT} STARTTLS works"),
        Row(proto: .imap, port: "IMAP_REMOTE_PORT", security: .starttls, address: "REMOTE", expected: nil),
        // A setting that needs a login, checked without credentials: said so, as for SMTP.
        Row(proto: .imap, port: "IMAPS_PORT", security: .tls, password: nil, expected: "credentials-missing"),
        // POP3
        Row(proto: .pop3, port: "POP3S_PORT", security: .tls, expected: nil),
        Row(proto: .pop3, port: "POP3S_PORT", security: .tls, password: "bad", expected: "auth-rejected"),
        Row(proto: .pop3, port: "POP3_PORT", security: .starttls, expected: nil),
        Row(proto: .pop3, port: "POP3_PORT", security: .starttls, password: "bad", expected: "auth-rejected"),
        Row(proto: .pop3, port: "POP3_PORT", security: .none, expected: "plaintext-auth-refused",
            suggestion: "localhost:{POP3_PORT} STARTTLS works"),
        Row(proto: .pop3, port: "POP3_PORT", security: .tls, expected: "tls-handshake-failed",
            suggestion: "localhost:{POP3_PORT} STARTTLS works"),
        Row(proto: .pop3, port: "POP3S_PORT", security: .starttls, expected: "greeting-timeout",
            suggestion: "localhost:{POP3S_PORT} SSL/TLS works"),
        Row(proto: .pop3, port: "POP3S_PORT", security: .tls, trust: "system", expected: "certificate-untrusted"),
        Row(proto: .pop3, port: "POP3S_PORT", security: .tls, address: "WRONGNAME_ADDRESS", expected: "certificate-name-mismatch"),
        Row(proto: .pop3, port: "POP3_PORT", security: .starttls, address: "EXPIRED_ADDRESS", expected: "certificate-expired"),
        Row(proto: .pop3, port: "POP3_REMOTE_PORT", security: .none, address: "REMOTE", plaintextAllowed: true, expected: "tls-required",
            suggestion: "the server wants STARTTLS first; localhost:{POP3_REMOTE_PORT} STARTTLS works"),
        Row(proto: .pop3, port: "POP3_REMOTE_PORT", security: .starttls, address: "REMOTE", expected: nil),
        Row(proto: .pop3, port: "POP3S_PORT", security: .tls, password: nil, expected: "credentials-missing"),
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
        case "REMOTE"?: request.resolver = FixedAddresses(["127.0.0.2"])
        case let name?: request.resolver = FixedAddresses([try #require(lab.values[name], "\(name) is not in the lab's env file")])
        }
        let tlsPort = r.proto == .imap ? "IMAPS_PORT" : "POP3S_PORT", startTLSPort = r.proto == .imap ? "IMAP_PORT" : "POP3_PORT"
        let result = await LiveCheck.verifyWithAlternatives(
            request, alternatives: [(UInt16(lab.port(tlsPort)), .tls), (UInt16(lab.port(startTLSPort)), .starttls)], probeTimeout: 3)
        #expect(result.kind?.name == r.expected, "\(r): \(result.message)")
        var suggestion = r.suggestion
        for name in ["IMAP_PORT", "IMAPS_PORT", "IMAP_REMOTE_PORT", "POP3_PORT", "POP3S_PORT", "POP3_REMOTE_PORT"] {
            suggestion = suggestion?.replacingOccurrences(of: "{\(name)}", with: "\(lab.port(name))")
        }
        #expect(result.suggestion == suggestion, "\(r): \(result.message)")
        // The password never reaches the transcript, whatever happened.
        #expect(!(result.transcript?.text.contains(lab.passwordText) ?? false))
        if r.expected == nil && r.password != nil { #expect(result.mechanismUsed != nil, "\(r)") }
        if r.trust == "system" { #expect(result.certificateProblems?.first?.name == "certificate-untrusted") }
        if r.address?.hasSuffix("_ADDRESS") == true { #expect(result.certificateProblems?.map(\.name) == r.expected.map { [$0] }, "\(r)") }
    }
}
