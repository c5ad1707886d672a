import Failures
import SASL
import TestSupport
import Testing
@testable import POP3Client

@Suite struct ResponseDecoding {
    @Test func aSingleLineResponseIsItsStatusAndText() throws {
        var d = POP3ResponseDecoder()
        d.expect(.singleLine)
        d.expect(.singleLine)
        d.expect(.singleLine)
        let r = try d.feed(Array("+OK Dovecot ready.\r\n-ERR [AUTH] Authentication failed.\r\n+OK\n".utf8))
        #expect(r == [POP3Response(status: .ok, text: "Dovecot ready."),
                      POP3Response(status: .err, text: "[AUTH] Authentication failed."),
                      POP3Response(status: .ok, text: "")])
        #expect(r[1].code == "AUTH")
        #expect(r[0].code == nil)
        #expect(!d.isExpecting && !d.hasPartialData)
    }

    @Test func aResponseSplitAcrossReadsIsPutTogether() throws {
        var d = POP3ResponseDecoder()
        d.expect(.singleLine)
        #expect(try d.feed(Array("+O".utf8)).isEmpty)
        #expect(try d.feed(Array("K hi\r".utf8)).isEmpty)
        #expect(try d.feed([0x0A]) == [POP3Response(status: .ok, text: "hi")])
    }

    @Test func aMultiLineResponseEndsAtALoneDotAndIsUnstuffed() throws {
        var d = POP3ResponseDecoder()
        d.expect(.multiLine)
        #expect(try d.feed(Array("+OK\r\nCAPA\r\n..dotted\r\n.x\r\n".utf8)).isEmpty)
        let r = try d.feed(Array("SASL PLAIN LOGIN\r\n.\r\n".utf8))
        #expect(r == [POP3Response(status: .ok, text: "", lines: ["CAPA", ".dotted", "x", "SASL PLAIN LOGIN"])])
        #expect(POP3Capabilities(capa: r[0].lines).saslMechanisms == ["PLAIN", "LOGIN"])
    }

    @Test func anErrToAMultiLineCommandIsOneLine() throws {
        var d = POP3ResponseDecoder()
        d.expect(.multiLine)
        d.expect(.singleLine)
        #expect(try d.feed(Array("-ERR no CAPA\r\n+OK next\r\n".utf8)).map(\.status) == [.err, .ok])
    }

    @Test func saslChallengesAreContinuationsOnlyInASASLExchange() throws {
        var d = POP3ResponseDecoder()
        d.expect(.sasl)
        d.expect(.sasl)
        d.expect(.sasl)
        let r = try d.feed(Array("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n+\r\n+OK logged in\r\n".utf8))
        #expect(r.map(\.status) == [.continuation, .continuation, .ok])
        #expect(r[1].text == "")
        var single = POP3ResponseDecoder()
        single.expect(.singleLine)
        #expect(throws: POP3ResponseError.malformed(line: "+ abc")) { try single.feed(Array("+ abc\r\n".utf8)) }
    }

    @Test func somethingElseIsNotAStatusLine() {
        for text in ["220 smtp.example ESMTP\r\n", "* OK IMAP4rev1\r\n", "+OKAY\r\n", "\r\n"] {
            var d = POP3ResponseDecoder()
            d.expect(.singleLine)
            #expect(throws: POP3ResponseError.self) { try d.feed(Array(text.utf8)) }
        }
    }

    @Test func bytesNobodyAskedForAreLeftForTheCaller() throws {
        var d = POP3ResponseDecoder()
        d.expect(.singleLine)
        #expect(try d.feed(Array("+OK begin TLS\r\n+OK injected\r\n".utf8)).count == 1)
        #expect(d.bufferedByteCount == 14)
        #expect(!d.isExpecting)
    }

    @Test func aLineWithoutEndIsCutAtTheLimit() throws {
        var d = POP3ResponseDecoder(limits: POP3Limits(maxLineLength: 100))
        d.expect(.singleLine)
        #expect(try d.feed(Array(repeating: UInt8(ascii: "+"), count: 99)).isEmpty)
        #expect(throws: POP3ResponseError.lineTooLong(limit: 100)) { try d.feed([UInt8(ascii: "x")]) }
        var long = POP3ResponseDecoder(limits: POP3Limits(maxLineLength: 100))
        long.expect(.singleLine)
        #expect(throws: POP3ResponseError.lineTooLong(limit: 100)) {
            try long.feed(Array(("+OK " + String(repeating: "a", count: 200) + "\r\n").utf8))
        }
    }

    @Test func aMultiLineResponseIsBoundedInLinesAndBytes() {
        var lines = POP3ResponseDecoder(limits: POP3Limits(maxResponseLines: 10))
        lines.expect(.multiLine)
        #expect(throws: POP3ResponseError.tooManyLines(limit: 10)) {
            try lines.feed(Array(("+OK\r\n" + String(repeating: "line\r\n", count: 11)).utf8))
        }
        var bytes = POP3ResponseDecoder(limits: POP3Limits(maxResponseBytes: 1000))
        bytes.expect(.multiLine)
        #expect(throws: POP3ResponseError.responseTooLarge(limit: 1000)) {
            try bytes.feed(Array(("+OK\r\n" + String(repeating: String(repeating: "x", count: 98) + "\r\n", count: 10)).utf8))
        }
    }

    @Test func capabilitiesAreRead() {
        let caps = POP3Capabilities(capa: ["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "USER",
                                           "SASL plain LOGIN plain", "IMPLEMENTATION Dovecot", "X-FOO bar"])
        #expect(caps.stls && caps.user && caps.top && caps.uidl && caps.respCodes && caps.authRespCode && caps.pipelining)
        #expect(caps.saslMechanisms == ["PLAIN", "LOGIN"])
        #expect(caps.implementation == "Dovecot")
        #expect(caps.other == ["CAPA", "X-FOO bar"])
        #expect(caps.offers("login"))
        #expect(POP3Capabilities(capa: ["SASL"]).saslMechanisms.isEmpty)
    }
}

@Suite struct Commands {
    @Test func valuesWithLineBreaksAreRefusedAndPasswordsRedacted() throws {
        #expect(throws: POP3Command.EncodingError.self) { try POP3Command.user("alice\r\nDELE 1").encoded() }
        #expect(throws: POP3Command.EncodingError.forbiddenCharacter(field: "password")) {
            try POP3Command.pass(Secret("pw\nQUIT")).encoded()
        }
        #expect(try POP3Command.pass(Secret("hunter2")).encoded() == Array("PASS hunter2\r\n".utf8))
        #expect(POP3Command.pass(Secret("hunter2")).redacted == "PASS <redacted>")
        #expect(POP3Command.auth(mechanism: "PLAIN", initialResponse: "AGEAYg==").redacted == "AUTH PLAIN <redacted>")
        #expect(POP3Command.authResponse("c2VjcmV0").redacted == "<redacted>")
        #expect(try POP3Command.auth(mechanism: "PLAIN", initialResponse: "").encoded() == Array("AUTH PLAIN =\r\n".utf8))
        #expect(throws: POP3Command.EncodingError.tooLong(limit: 255)) {
            try POP3Command.auth(mechanism: "XOAUTH2", initialResponse: String(repeating: "A", count: 300)).encoded()
        }
    }
}

@Suite struct ErrorKinds {
    @Test func everyErrorHasADeclaredKindAndSaysWhatToDo() {
        let err = POP3Response(status: .err, text: "[AUTH] no")
        let errors: [POP3ClientError] = [
            .session(.timeout(phase: "greeting", seconds: 1)), .session(.timeout(phase: "capa", seconds: 1)),
            .session(.connectionClosed(phase: "capa")),
            .protocolViolation(phase: "greeting", .malformed(line: "220 x")), .protocolViolation(phase: "capa", .malformed(line: "x")),
            .protocolViolation(phase: "capa", .lineTooLong(limit: 1)), .protocolViolation(phase: "capa", .unsolicited(bytes: 1)),
            .unexpectedResponse(phase: "auth", err), .session(.greetingRejected("\(err)")), .session(.startTLSNotOffered),
            .session(.startTLSRefused("\(err)")), .session(.startTLSInjection(bytes: 3)), .session(.authNotOffered),
            .session(.authMechanismNotOffered("X", offered: [])), .session(.plaintextPasswordRefused(mechanism: "USER/PASS")),
            .tlsRequired(err), .authRejected(err), .mailboxInUse(err), .temporaryFailure(err),
            .session(.invalidCommand(.tooLong(limit: 255))), .session(.sasl(.invalidCharacter(field: "username"))),
            .session(.sasl(.unexpectedChallenge(mechanism: "PLAIN"))),
        ]
        for e in errors {
            #expect(FailureKind.pop3Client.contains(e.kind), "\(e) has kind \(e.kind), not in FailureKind.pop3Client")
            #expect(!e.message.isEmpty)
        }
        #expect(POP3ClientError.protocolViolation(phase: "greeting", .malformed(line: "220 x")).kind == "not-pop3")
        #expect(POP3ClientError.session(.timeout(phase: "greeting", seconds: 1)).kind == "greeting-timeout")
        #expect(POP3ClientError.session(.sasl(.invalidCharacter(field: "username"))).kind == "invalid-input")
    }

    @Test func loginRefusalsAreToldApart() {
        func kind(_ text: String, step: LoginRefusal.Step = .pass, encrypted: Bool = true, stls: Bool = false) -> String {
            var caps = POP3Capabilities()
            caps.stls = stls
            return LoginRefusal.classify(POP3Response(status: .err, text: text), step: step, encrypted: encrypted, capabilities: caps).kind.name
        }
        #expect(kind("[AUTH] Authentication failed.") == "auth-rejected")
        #expect(kind("[IN-USE] Mailbox is locked") == "mailbox-in-use")
        #expect(kind("[SYS/TEMP] Internal error") == "login-temporary-failure")
        #expect(kind("[LOGIN-DELAY] wait 5 minutes") == "login-temporary-failure")
        #expect(kind("[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", step: .user, encrypted: false) == "tls-required")
        #expect(kind("not without STLS", step: .user, encrypted: false, stls: true) == "tls-required")
        #expect(kind("[AUTH] Authentication failed.", encrypted: false, stls: true) == "auth-rejected")
    }
}
