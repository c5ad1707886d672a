import Foundation
import MailNet
import SASL
import Testing
@testable import SMTPClient

@Suite struct Replies {
    @Test func singleAndMultiLineRepliesWithEnhancedCodes() throws {
        var d = ReplyDecoder()
        let replies = try d.feed(Array("220 mx.example.org ESMTP ready\r\n250-mx.example.org\r\n250-SIZE 35882577\r\n250 8BITMIME\r\n535 5.7.8 Authentication credentials invalid\r\n".utf8))
        #expect(replies.count == 3)
        #expect(replies[0].code == 220)
        #expect(replies[0].lines == ["mx.example.org ESMTP ready"])
        #expect(replies[1].lines == ["mx.example.org", "SIZE 35882577", "8BITMIME"])
        #expect(replies[2].enhancedCode == EnhancedStatusCode(prefixOf: "5.7.8"))
        #expect(replies[2].enhancedCode?.description == "5.7.8")
        #expect(replies[2].isPermanentFailure)
        #expect(!d.hasPartialData)
    }

    @Test func repliesSplitAcrossReadsAndBareCodes() throws {
        var d = ReplyDecoder()
        #expect(try d.feed(Array("250-fir".utf8)).isEmpty)
        #expect(try d.feed(Array("st\r\n25".utf8)).isEmpty)
        #expect(d.hasPartialData)
        let r = try d.feed(Array("0 last\r\n354\r\n".utf8))
        #expect(r.map(\.code) == [250, 354])
        #expect(r[0].lines == ["first", "last"])
        #expect(r[1].lines == [""])
    }

    @Test func mixedCodesInOneReplyAreAnError() {
        var d = ReplyDecoder()
        #expect(throws: ReplyError.inconsistentCodes(first: 250, later: 550)) {
            _ = try d.feed(Array("250-one\r\n550 two\r\n".utf8))
        }
    }

    @Test func limitsAreEnforcedBeforeBuffering() {
        var d = ReplyDecoder(limits: SMTPLimits(maxLineLength: 100, maxReplyLines: 5, maxReplyBytes: 300))
        #expect(throws: ReplyError.lineTooLong(limit: 100)) {
            _ = try d.feed([UInt8](repeating: UInt8(ascii: "a"), count: 4 * 1024 * 1024))
        }
        var lines = ReplyDecoder(limits: SMTPLimits(maxLineLength: 100, maxReplyLines: 5, maxReplyBytes: 10_000))
        #expect(throws: ReplyError.tooManyLines(limit: 5)) {
            _ = try lines.feed(Array(String(repeating: "250-more\r\n", count: 6).utf8))
        }
        var bytes = ReplyDecoder(limits: SMTPLimits(maxLineLength: 100, maxReplyLines: 50, maxReplyBytes: 300))
        #expect(throws: ReplyError.replyTooLarge(limit: 300)) {
            _ = try bytes.feed(Array(String(repeating: "250-" + String(repeating: "x", count: 90) + "\r\n", count: 4).utf8))
        }
    }

    @Test(arguments: ["HTTP/1.1 400 Bad Request\r\n", "SSH-2.0-OpenSSH_9.2\r\n", "2500 x\r\n", "25\r\n", "\u{16}\u{3}\u{1}\r\n", "650 x\r\n"])
    func notSMTPIsMalformed(_ text: String) {
        var d = ReplyDecoder()
        do { _ = try d.feed(Array(text.utf8)); Issue.record("accepted \(text)") } catch {
            if case .malformed = error {} else { Issue.record("wrong error \(error)") }
        }
    }
}

@Suite struct EHLO {
    @Test func capabilitiesAreTyped() throws {
        var d = ReplyDecoder()
        let reply = try #require(try d.feed(Array("""
        250-smtp.example.org Hello\r
        250-SIZE 52428800\r
        250-8BITMIME\r
        250-PIPELINING\r
        250-AUTH PLAIN LOGIN cram-md5\r
        250-AUTH=LOGIN XOAUTH2\r
        250-ENHANCEDSTATUSCODES\r
        250-STARTTLS\r
        250-CHUNKING\r
        250-DSN\r
        250-SMTPUTF8\r
        250-REQUIRETLS\r
        250 X-EXPERIMENTAL foo\r

        """.utf8)).first)
        let c = Capabilities(ehlo: reply)
        #expect(c.greeting == "smtp.example.org Hello")
        #expect(c.size == 52_428_800)
        #expect(c.eightBitMIME && c.pipelining && c.startTLS && c.chunking && c.dsn && c.smtpUTF8 && c.requireTLS && c.enhancedStatusCodes)
        #expect(c.authMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"])
        #expect(c.other == ["X-EXPERIMENTAL foo"])
        #expect(c.offers("cram-md5"))
        #expect(SASLPreference.strongest(offered: c.authMechanisms, available: ["PLAIN", "LOGIN", "CRAM-MD5"]) == "CRAM-MD5")
    }

    @Test func sizeWithoutLimit() {
        let c = Capabilities(ehlo: SMTPReply(code: 250, lines: ["x", "SIZE"]))
        #expect(c.size == 0)
        #expect(Capabilities(ehlo: SMTPReply(code: 250, lines: ["x"])).size == nil)
    }

    /// Found by fuzz-smtp-reply: `SIZE -4220` was read as a limit of -4220 bytes.
    @Test(arguments: ["SIZE -4220", "SIZE +10", "SIZE 99999999999999999999999", "SIZE 10k"])
    func aSizeThatIsNotDigitsIsNoFixedLimit(line: String) {
        #expect(Capabilities(ehlo: SMTPReply(code: 250, lines: ["x", line])).size == 0)
    }
}

@Suite struct Commands {
    @Test func encodingAndInjection() throws {
        #expect(try SMTPCommand.ehlo("client.example").encoded() == Array("EHLO client.example\r\n".utf8))
        #expect(try SMTPCommand.mailFrom("a@b.org").encoded() == Array("MAIL FROM:<a@b.org>\r\n".utf8))
        #expect(try SMTPCommand.auth(mechanism: "PLAIN", initialResponse: "").encoded() == Array("AUTH PLAIN =\r\n".utf8))
        for bad in ["a@b.org>\r\nRCPT TO:<victim@x.org", "a\n", "a\0b", "x\r"] {
            #expect(throws: SMTPCommand.EncodingError.self) { _ = try SMTPCommand.mailFrom(bad).encoded() }
            #expect(throws: SMTPCommand.EncodingError.self) { _ = try SMTPCommand.ehlo(bad).encoded() }
        }
        #expect(throws: SMTPCommand.EncodingError.tooLong(limit: 512)) {
            _ = try SMTPCommand.rcptTo(String(repeating: "a", count: 600)).encoded()
        }
    }

    @Test func redactionHidesCredentials() {
        #expect(SMTPCommand.auth(mechanism: "PLAIN", initialResponse: "AHRpbQB0YW5z").redacted == "AUTH PLAIN <redacted>")
        #expect(SMTPCommand.auth(mechanism: "LOGIN", initialResponse: nil).redacted == "AUTH LOGIN")
        #expect(SMTPCommand.authResponse("c2VjcmV0").redacted == "<redacted>")
        var t = Transcript()
        t.sent(.auth(mechanism: "PLAIN", initialResponse: "AHRpbQB0YW5z"), phase: "auth")
        t.received(SMTPReply(code: 334, lines: ["eyJzdGF0dXMiOiI0MDEifQ=="]), phase: "auth", redactChallenge: true)
        t.sent(.authResponse(""), phase: "auth")
        #expect(!t.text.contains("AHRpbQB0YW5z"))
        #expect(!t.text.contains("eyJzdGF0dXMi"))
        #expect(t.text.contains("C: [auth] AUTH PLAIN <redacted>"))
        #expect(t.text.contains("S: [auth] 334 <redacted>"))
    }

    @Test func dotStuffingAndLineEnds() {
        let out = DataEncoder.encode(Array("Subject: x\n\n.hidden\r\n..two\rend".utf8))
        #expect(String(decoding: out, as: UTF8.self) == "Subject: x\r\n\r\n..hidden\r\n...two\r\nend\r\n.\r\n")
        #expect(String(decoding: DataEncoder.encode(Array("a\r\n".utf8)), as: UTF8.self) == "a\r\n.\r\n")
        #expect(String(decoding: DataEncoder.encode([]), as: UTF8.self) == "\r\n.\r\n")
        #expect(String(decoding: DataEncoder.encode(Array(".".utf8)), as: UTF8.self) == "..\r\n.\r\n")
    }
}
