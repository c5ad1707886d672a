import Failures
import Foundation
import MailNet
import MailSettings
import SASL
import SMTPClient
import Testing
import TestSupport
@testable import Validator

extension LabServers {
    var password: Secret { Secret(passwordText) }
}

/// One combination at a time: each probes up to three alternatives with full TLS and
/// certificate checks, and 37 of them at once beside the other suites can starve a
/// 2-core CI machine past the 15 s reply deadline (seen once as greeting timeouts).
@Suite(.serialized, .needs(.lab))
struct VerifyAgainstPostfix {
    /// The lab's ports stand in for 465, 587 and 25 on a real host.
    var labAlternatives: [(port: UInt16, security: ConnectionSecurity)] {
        let lab = LabServers.current!
        return [(UInt16(lab.port(.smtps)), .tls), (UInt16(lab.port(.submission)), .starttls),
                (UInt16(lab.port(.plain)), .starttls)]
    }

    /// Every problem of a certificate is reported, the chain first, then the dates, then
    /// the name: fixing the first reveals nothing the user was not already told.
    @Test func everyCertificateProblemIsReportedInTheOrderTLSChecksThem() async throws {
        let lab = try #require(LabServers.current)
        func problems(_ port: LabPort, _ trust: TrustPolicy) async throws -> (FailureKind?, [FailureKind]?, String) {
            let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(port)),
                                            security: .tls, authentication: [.none])
            let r = await LiveCheck.verify(VerifyRequest(setting: setting, trust: trust, timeout: 15))
            return (r.kind, r.certificateProblems, r.message)
        }
        let caFile = TrustPolicy.caFile(lab.caFile)
        let wrongNameUntrusted = try await problems(.wrongName, .system)
        #expect(wrongNameUntrusted.1?.map(\.name) == ["certificate-untrusted", "certificate-name-mismatch"], "\(wrongNameUntrusted.2)")
        #expect(wrongNameUntrusted.2.contains("could not be verified") && wrongNameUntrusted.2.contains("not valid for localhost"))
        let expiredUntrusted = try await problems(.expired, .system)
        #expect(expiredUntrusted.1?.map(\.name) == ["certificate-untrusted", "certificate-expired"], "\(expiredUntrusted.2)")
        // With the right CA only the leaf's own problem is left.
        #expect(try await problems(.wrongName, caFile).1?.map(\.name) == ["certificate-name-mismatch"])
        #expect(try await problems(.expired, caFile).1?.map(\.name) == ["certificate-expired"])
        #expect(try await problems(.smtps, caFile).1 == nil)
    }

    @Test func aFailingSettingGetsTheWorkingAlternativeQuickly() async throws {
        let lab = try #require(LabServers.current)
        // SSL/TLS on the STARTTLS submission port: the handshake fails; the same port with
        // STARTTLS works, and is named first (right port, wrong security), SMTPS too.
        let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(.submission)),
                                        security: .tls, authentication: [.passwordCleartext])
        let result = await LiveCheck.verifyWithAlternatives(
            VerifyRequest(setting: setting, username: lab.user, secret: lab.password,
                          trust: .caFile(lab.caFile), timeout: 15), alternatives: labAlternatives, probeTimeout: 15)
        #expect(result.kind == "tls-handshake-failed")
        #expect(result.suggestion == "localhost:\(lab.port(.submission)) STARTTLS works")
        #expect(result.alternatives?.first { $0.setting.contains(":\(lab.port(.submission)) STARTTLS") }?.ok == true)
        #expect(result.alternatives?.first { $0.setting.contains(":\(lab.port(.smtps)) SSL/TLS") }?.ok == true)

        // The right port, a mechanism the server lacks: the mechanism it has works.
        let cram = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(.cram)),
                                     security: ConnectionSecurity.none, authentication: [.passwordCleartext])
        let r2 = await LiveCheck.verifyWithAlternatives(
            VerifyRequest(setting: cram, username: lab.user, secret: lab.password, mechanism: "PLAIN",
                          trust: .caFile(lab.caFile), timeout: 15), alternatives: [], probeTimeout: 15)
        #expect(r2.kind == "auth-mechanism-not-offered")
        #expect(r2.suggestion == "the server does not offer that mechanism; with AUTH CRAM-MD5 works")
    }

    struct Case: Sendable, CustomStringConvertible {
        var port: LabPort
        var security: ConnectionSecurity
        var auth: [AuthenticationMethod]
        var mechanism: String?
        var goodPassword = true
        var trust = "ca"
        var expected: String?   // nil = works
        /// The working alternative mailconf names; `{SMTPS_PORT}` (and the other port names
        /// in braces) stands for that lab port. nil = none.
        var suggestion: String? = nil
        var description: String { "\(port) \(security) \(mechanism ?? "-") \(goodPassword ? "good" : "bad") \(trust) → \(expected ?? "ok")" }
    }

    static let cases: [Case] = [
        Case(port: .plain, security: .none, auth: [.none], expected: nil),
        Case(port: .plain, security: .tls, auth: [.none], expected: "tls-handshake-failed", suggestion: "localhost:{PLAIN_PORT} none works"),
        Case(port: .plain, security: .starttls, auth: [.none], expected: "starttls-not-offered", suggestion: "localhost:{PLAIN_PORT} none works"),
        Case(port: .submission, security: .none, auth: [.none], expected: "tls-required"),
        Case(port: .submission, security: .starttls, auth: [.passwordCleartext], mechanism: "PLAIN", expected: nil),
        Case(port: .submission, security: .starttls, auth: [.passwordCleartext], mechanism: "LOGIN", expected: nil),
        Case(port: .submission, security: .starttls, auth: [.passwordCleartext], mechanism: nil, expected: nil),
        Case(port: .submission, security: .starttls, auth: [.passwordCleartext], mechanism: "PLAIN", goodPassword: false, expected: "auth-rejected"),
        Case(port: .submission, security: .starttls, auth: [.passwordEncrypted], mechanism: "CRAM-MD5", expected: "auth-mechanism-not-offered", suggestion: "the server does not offer that mechanism; with AUTH PLAIN works"),
        // AUTH only after STARTTLS: said so, and the same port with STARTTLS is the fix.
        Case(port: .submission, security: .none, auth: [.passwordCleartext], mechanism: "PLAIN", expected: "tls-required", suggestion: "the server wants STARTTLS first; localhost:{SUBMISSION_PORT} STARTTLS works"),
        Case(port: .submission, security: .starttls, auth: [.passwordCleartext], mechanism: "PLAIN", trust: "system", expected: "certificate-untrusted"),
        Case(port: .smtps, security: .tls, auth: [.passwordCleartext], mechanism: "PLAIN", expected: nil),
        Case(port: .smtps, security: .tls, auth: [.passwordCleartext], mechanism: "LOGIN", goodPassword: false, expected: "auth-rejected"),
        Case(port: .smtps, security: .tls, auth: [.passwordCleartext], mechanism: "PLAIN", trust: "none", expected: nil),
        Case(port: .cram, security: .none, auth: [.passwordEncrypted], mechanism: "CRAM-MD5", expected: nil),
        Case(port: .cram, security: .none, auth: [.passwordEncrypted], mechanism: "CRAM-MD5", goodPassword: false, expected: "auth-rejected"),
        Case(port: .cram, security: .none, auth: [.passwordCleartext], mechanism: "PLAIN", expected: "auth-mechanism-not-offered", suggestion: "the server does not offer that mechanism; with AUTH CRAM-MD5 works"),
        Case(port: .expired, security: .tls, auth: [.none], expected: "certificate-expired"),
        Case(port: .wrongName, security: .tls, auth: [.none], expected: "certificate-name-mismatch"),
        // Untrusted and for another name: the chain comes first, as TLS libraries check.
        Case(port: .wrongName, security: .tls, auth: [.none], trust: "system", expected: "certificate-untrusted"),
        Case(port: .wrongName, security: .tls, auth: [.none], trust: "none", expected: nil),
        Case(port: .expired, security: .tls, auth: [.none], trust: "system", expected: "certificate-untrusted"),
        Case(port: .expired, security: .tls, auth: [.none], trust: "none", expected: nil),
        Case(port: .submission, security: .starttls, auth: [.oauth2], mechanism: "XOAUTH2", expected: "auth-mechanism-not-offered", suggestion: "the server does not offer XOAUTH2; it offers AUTH PLAIN LOGIN: use a password (an app password) with one of those"),
        Case(port: .submission, security: .starttls, auth: [.passwordCleartext], mechanism: "LOGIN", goodPassword: false, expected: "auth-rejected"),
        Case(port: .smtps, security: .tls, auth: [.passwordEncrypted], mechanism: "CRAM-MD5", expected: "auth-mechanism-not-offered", suggestion: "the server does not offer that mechanism; with AUTH PLAIN works"),
        Case(port: .smtps, security: .tls, auth: [.passwordCleartext], mechanism: nil, expected: nil),
        Case(port: .smtps, security: .tls, auth: [.passwordCleartext], mechanism: nil, goodPassword: false, expected: "auth-rejected"),
        // Implicit TLS works, but these ports relay only after AUTH: refused at RCPT, not at MAIL FROM.
        Case(port: .smtps, security: .tls, auth: [.none], expected: "auth-required"),
        Case(port: .submission, security: .starttls, auth: [.none], expected: "auth-required"),
        Case(port: .cram, security: .none, auth: [.none], expected: "auth-required"),
        Case(port: .submission, security: .starttls, auth: [.oauth2], goodPassword: false, expected: "auth-mechanism-not-offered",
             suggestion: "the server does not offer XOAUTH2; it offers AUTH PLAIN LOGIN: use a password (an app password) with one of those"),
        Case(port: .cram, security: .none, auth: [.passwordEncrypted], mechanism: nil, expected: nil),
        Case(port: .cram, security: .tls, auth: [.none], expected: "tls-handshake-failed"),
        Case(port: .cram, security: .starttls, auth: [.none], expected: "starttls-not-offered"),
        Case(port: .plain, security: .none, auth: [.passwordCleartext], mechanism: "PLAIN", expected: "auth-not-offered", suggestion: "localhost:{SMTPS_PORT} SSL/TLS works"),
        Case(port: .plain, security: .none, auth: [.passwordEncrypted], mechanism: nil, expected: "auth-not-offered", suggestion: "localhost:{SMTPS_PORT} SSL/TLS works"),
    ]

    @Test(arguments: cases)
    func combination(_ c: Case) async throws {
        let lab = try #require(LabServers.current)
        let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(c.port)),
                                        security: c.security, authentication: c.auth)
        let trust: TrustPolicy = c.trust == "ca" ? .caFile(lab.caFile) : c.trust == "system" ? .system : .noVerification
        let result = await LiveCheck.verifyWithAlternatives(VerifyRequest(
            setting: setting, username: lab.user, secret: c.goodPassword ? lab.password : Secret("wrong"),
            mechanism: c.mechanism.map { MechanismName($0) }, trust: trust, timeout: 15, keepTranscript: true), alternatives: labAlternatives, probeTimeout: 15)
        #expect(result.kind?.name == c.expected, "\(c): \(result.message)")
        var suggestion = c.suggestion
        for name in [LabPort.smtps, .submission, .plain] {
            suggestion = suggestion?.replacingOccurrences(of: "{\(name)}", with: "\(lab.port(name))")
        }
        #expect(result.suggestion == suggestion, "\(c): alternatives \(result.alternatives ?? [])")
        #expect(result.ok == (c.expected == nil))
        if c.trust == "none" { #expect(result.tls?.verified == false) }
        let transcript = result.transcript?.text ?? ""
        let raw = lab.passwordText
        #expect(!transcript.contains(raw))
        #expect(!transcript.contains(Data(raw.utf8).base64EncodedString()))
        #expect(!result.message.isEmpty)
    }
}

@Suite(.needs(.lab))
struct TestMessages {
    @Test func aTestMessageIsDeliveredAndItsQueueIDReported() async throws {
        let lab = try #require(LabServers.current)
        let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(.submission)),
                                        security: .starttls, authentication: [.passwordCleartext])
        let result = await LiveCheck.verifySending(VerifyRequest(
            setting: setting, username: lab.user, secret: lab.password, trust: .caFile(lab.caFile),
            timeout: 5, sender: lab.user, recipients: [lab.user]))
        #expect(result.ok, "\(result.message)")
        let id = try #require(result.queueID)
        #expect(id.count >= 6)
        // Postfix logs the same queue id for the delivery.
        let log = lab.folder
            .appendingPathComponent("postfix/maillog")
        var delivered = false
        for _ in 0..<50 where !delivered {
            delivered = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("\(id): to=<\(lab.user)>")
            if !delivered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(delivered)
    }

    @Test func aDeferredMessageIsRetriedABoundedNumberOfTimes() async throws {
        let lab = try #require(LabServers.current)
        let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(.plain)),
                                        security: ConnectionSecurity.none, authentication: [.none])
        let result = await LiveCheck.verifySending(VerifyRequest(
            setting: setting, timeout: 5, sender: "probe@example.test", recipients: ["defer@example.test"]),
            attempts: 3, firstPause: 0.05)
        #expect(result.kind == "deferred")
        #expect(result.retries == 2)
        #expect(result.message.contains("450"))
    }

    @Test func aRecipientTheServerRefusesIsABounce() async throws {
        let lab = try #require(LabServers.current)
        let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(lab.port(.plain)),
                                        security: ConnectionSecurity.none, authentication: [.none])
        let result = await LiveCheck.verifySending(VerifyRequest(
            setting: setting, timeout: 5, sender: "probe@example.test", recipients: ["bounce@example.test"]))
        #expect(result.kind == "bounced")
        #expect(result.message.contains("550 5.1.1"), "\(result.message)")
        #expect(result.message.contains("RCPT"))
        #expect(result.retries == 0)
    }
}
