import Failures
import Foundation
import SMTPClient
import Testing
@testable import Validator

/// What the MAIL FROM / RCPT TO probe's replies are taken to mean.
struct ProbeClassification {
    func reply(_ code: Int, _ text: String) -> SMTPReply {
        SMTPReply(code: code, enhancedCode: EnhancedStatusCode(prefixOf: Substring(text)), lines: [text])
    }

    func kind(_ mail: SMTPReply, _ rcpt: SMTPReply?, authenticated: Bool = false) -> String? {
        do {
            try LiveCheck.classify(mail, rcpt, authenticated: authenticated)
            return nil
        } catch let e as LiveCheck.CheckFailure {
            return e.kind.name
        } catch {
            return "unexpected"
        }
    }

    @Test func mailFromRefusals() {
        #expect(kind(reply(530, "5.7.0 Must issue a STARTTLS command first"), nil) == "tls-required")
        #expect(kind(reply(530, "5.7.0 Authentication required"), nil) == "auth-required")
        #expect(kind(reply(553, "5.7.1 Sender address rejected: not owned by user"), nil) == "sender-rejected")
    }

    @Test func aRelayRefusalAtRcptMeansAuthenticationIsNeeded() {
        let ok = reply(250, "2.1.0 Ok")
        #expect(kind(ok, reply(554, "5.7.1 <mailconf-probe@example.com>: Relay access denied")) == "auth-required")
        #expect(kind(ok, reply(554, "5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied")) == "auth-required")
        #expect(kind(ok, reply(530, "Authentication required")) == "auth-required")
        // After a login the same refusal is the account's, not a missing login.
        #expect(kind(ok, reply(554, "5.7.1 Relay access denied"), authenticated: true) == "relay-refused")
    }

    @Test func otherRecipientAnswersDoNotFailTheSetting() {
        let ok = reply(250, "2.1.0 Ok")
        #expect(kind(ok, reply(250, "2.1.5 Ok")) == nil)
        #expect(kind(ok, reply(450, "4.7.1 Greylisted, try again later")) == nil)
        #expect(kind(ok, reply(550, "5.1.1 Recipient address rejected: User unknown")) == nil)
        #expect(kind(ok, nil) == nil)
    }

    @Test func theTestMessageDateIsRFC5322InUTC() {
        #expect(LiveCheck.rfc5322Date(Date(timeIntervalSince1970: 1_795_935_895)) == "Sun, 29 Nov 2026 07:04:55 +0000")
    }
}

@Suite struct QueueIDs {
    @Test func queueIDsAreReadFromCommonReplies() {
        #expect(LiveCheck.queueID(in: SMTPReply(code: 250, lines: ["2.0.0 Ok: queued as 4F2A1C7A05"])) == "4F2A1C7A05")
        #expect(LiveCheck.queueID(in: SMTPReply(code: 250, lines: ["OK id=1vQ3Zx-0004Tb-2c"])) == "1vQ3Zx-0004Tb-2c")
        #expect(LiveCheck.queueID(in: SMTPReply(code: 250, lines: ["2.0.0 OK 1700000000 x.123 - gsmtp"])) == nil)
    }
}

/// verify --help lists its kinds from the declared constants: each once, and every kind a
/// check can end with is among them.
@Suite struct VerifyKinds {
    @Test func eachKindIsListedOnceAndWhatChecksRaiseIsListed() {
        let listed = FailureKind.verifyGeneral + FailureKind.verifyKerberos
        #expect(Set(listed).count == listed.count)
        let raised: [FailureKind] = [
            SMTPClientError.session(.timeout(phase: "greeting", seconds: 1)).kind,
            SMTPClientError.session(.timeout(phase: "auth", seconds: 1)).kind,
            SMTPClientError.session(.connect(host: "h", port: 25, .hostUnreachable)).kind,
            SMTPClientError.session(.tls(.expired(notValidAfter: .distantPast))).kind,
            SMTPClientError.session(.sasl(.unknownMechanism("x"))).kind, SMTPClientError.session(.startTLSInjection(bytes: 3)).kind,
            LiveCheck.worthProbing.first!, .credentialsMissing, .kerberosRejected, .kerberosUnavailable,
        ]
        for kind in raised { #expect(listed.contains(kind), "\(kind)") }
        #expect(LiveCheck.worthProbing.isSubset(of: Set(listed)))
    }
}
