import Foundation
import Testing
@testable import SASL

@Suite struct Mechanisms {
    func b64(_ bytes: [UInt8]?) -> String? { bytes.map { Data($0).base64EncodedString() } }

    @Test func cramMD5MatchesRFC2195() throws {
        var m = CramMD5Mechanism(username: "tim", password: Secret("tanstaaftanstaaf"))
        #expect(try m.start() == nil)
        let challenge = try #require(Data(base64Encoded: "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"))
        let answer = try m.next(challenge: [UInt8](challenge))
        #expect(b64(answer) == "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")
        #expect(throws: SASLError.self) { _ = try m.next(challenge: []) }
    }

    @Test func plainWithAndWithoutAuthorizationIdentity() throws {
        var m = PlainMechanism(username: "tim", password: Secret("tanstaaftanstaaf"))
        #expect(b64(try m.start()) == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm")
        var z = PlainMechanism(username: "Kurt", password: Secret("xipj3plmq"), authorizationIdentity: "Ursel")
        #expect(try z.start() == Array("Ursel\0Kurt\0xipj3plmq".utf8))
        var bad = PlainMechanism(username: "a\r\nQUIT", password: Secret("x"))
        #expect(throws: SASLError.invalidCharacter(field: "username")) { _ = try bad.start() }
    }

    @Test func loginAnswersTwoPrompts() throws {
        var m = LoginMechanism(username: "alice", password: Secret("s3cret"))
        #expect(try m.start() == nil)
        #expect(try m.next(challenge: Array("Username:".utf8)) == Array("alice".utf8))
        #expect(try m.next(challenge: Array("Password:".utf8)) == Array("s3cret".utf8))
        #expect(throws: SASLError.self) { _ = try m.next(challenge: []) }
    }

    @Test func xoauth2AndItsErrorChallenge() throws {
        var m = XOAuth2Mechanism(username: "someuser@example.com", token: Secret("ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"))
        #expect(b64(try m.start()) == "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==")
        let error = #"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#
        #expect(try m.next(challenge: Array(error.utf8)) == [])
        #expect(m.errorChallenge == error)
    }

    @Test func secretsNeverPrint() {
        let s = Secret("hunter2")
        #expect("\(s)" == "<redacted>")
        #expect(String(reflecting: s) == "<redacted>")
        var dumped = ""
        dump(PlainMechanism(username: "u", password: s), to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }
}
