import Testing
@testable import IMAPClient

@Suite struct ResponseParsing {
    func decode(_ text: String, limits: IMAPLimits = .default) throws -> [IMAPResponse] {
        var decoder = ResponseDecoder(limits: limits)
        return try decoder.feed(Array(text.utf8))
    }

    @Test func aGreetingWithCapabilities() throws {
        let r = try #require(try decode("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN STARTTLS] Dovecot ready.\r\n").first)
        #expect(r.tag == nil)
        #expect(r.status == .ok)
        #expect(r.code?.name == "CAPABILITY")
        #expect(r.text == "Dovecot ready.")
        let caps = IMAPCapabilities(r.code!.arguments)
        #expect(caps.authMechanisms == ["PLAIN"])
        #expect(caps.startTLS && caps.saslIR && caps.imap4rev1 && !caps.loginDisabled)
    }

    @Test func taggedLinesAndCodes() throws {
        let rs = try decode("a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\na2 OK done\r\nA3 bad what?\r\n")
        #expect(rs.map(\.tag) == ["a1", "a2", "A3"])
        #expect(rs.map(\.status) == [.no, .ok, .bad])
        #expect(rs[0].code == IMAPResponseCode(name: "AUTHENTICATIONFAILED"))
        #expect(rs[1].code == nil && rs[1].text == "done")
    }

    @Test func untaggedDataAndContinuations() throws {
        let rs = try decode("* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n* 3 EXISTS\r\n+ \r\n+\r\n* BYE bye\n")
        #expect(rs[0].kind == .data(name: "CAPABILITY", text: "IMAP4rev1 LOGINDISABLED"))
        #expect(IMAPCapabilities(rs[0].text).loginDisabled)
        #expect(rs[1].kind == .data(name: "EXISTS", text: "3"))
        #expect(rs[2].kind == .continuation(""))
        #expect(rs[3].kind == .continuation(""))
        #expect(rs[4].status == .bye)
    }

    @Test func aLiteralIsReadWholeEvenInPieces() throws {
        var decoder = ResponseDecoder()
        #expect(try decoder.feed(Array("* 1 FETCH (BODY[] {10}\r\nhello\r".utf8)).isEmpty)
        #expect(decoder.hasPartialData)
        let rs = try decoder.feed(Array("\nyou)\r\na1 OK\r\n".utf8))
        #expect(rs.count == 2)
        #expect(rs[0].literals == [Array("hello\r\nyou".utf8)])
        #expect(rs[0].line == "* 1 FETCH (BODY[] {10})")
        #expect(!decoder.hasPartialData)
    }

    @Test func aHugeLiteralIsAnErrorNotAnAllocation() {
        #expect(throws: IMAPResponseError.literalTooLarge(announced: "4294967295", limit: IMAPLimits.default.maxLiteralSize)) {
            try decode("* 1 FETCH (BODY[] {4294967295}\r\n")
        }
        #expect(throws: IMAPResponseError.self) { try decode("* 1 FETCH {99999999999999999999999999}\r\n") }
    }

    @Test func boundsOnLinesUntaggedAndTotalSize() {
        let limits = IMAPLimits(maxLineLength: 100, maxLiteralSize: 10, maxResponseBytes: 1000, maxUntaggedResponses: 5)
        #expect(throws: IMAPResponseError.lineTooLong(limit: 100)) { try decode(String(repeating: "x", count: 200), limits: limits) }
        #expect(throws: IMAPResponseError.tooManyUntagged(limit: 5)) {
            try decode(String(repeating: "* OK hi\r\n", count: 6), limits: limits)
        }
        #expect(throws: IMAPResponseError.responseTooLarge(limit: 150)) {
            try decode(String(repeating: "* 1 X {10}\r\n0123456789\r\n", count: 4) + "* OK " + String(repeating: "y", count: 80) + "\r\n",
                       limits: IMAPLimits(maxLineLength: 100, maxLiteralSize: 10, maxResponseBytes: 150, maxUntaggedResponses: 50))
        }
        // A tagged response starts the count again.
        #expect(throws: Never.self) {
            try decode(String(repeating: "* OK hi\r\n", count: 5) + "a1 OK\r\n" + String(repeating: "* OK hi\r\n", count: 5), limits: limits)
        }
    }

    /// Found by fuzz-imap-pop3's split check: the total was compared once per feed, so a
    /// large answer that arrived in one read, its tagged response included, passed.
    @Test func theBoundOnOneAnswerHoldsHoweverTheBytesArrive() {
        let limits = IMAPLimits(maxLineLength: 100, maxLiteralSize: 10, maxResponseBytes: 200, maxUntaggedResponses: 50)
        let bytes = Array((String(repeating: "* OK padding padding\r\n", count: 12) + "a1 OK done\r\n").utf8)
        for size in [bytes.count, 7, 1] {
            var decoder = ResponseDecoder(limits: limits)
            #expect(throws: IMAPResponseError.responseTooLarge(limit: 200), "fed \(size) bytes at a time") {
                for start in stride(from: 0, to: bytes.count, by: size) {
                    _ = try decoder.feed(bytes[start..<min(start + size, bytes.count)])
                }
            }
        }
    }

    @Test func garbageIsMalformed() {
        #expect(throws: IMAPResponseError.self) { try decode("HTTP/1.1 400 Bad Request\r\n") }
        #expect(throws: IMAPResponseError.self) { try decode("a1 PREAUTH no\r\n") }
        #expect(throws: IMAPResponseError.self) { try decode("* OK [CAPABILITY unterminated\r\n") }
    }
}

@Suite struct CommandEncoding {
    func line(_ c: IMAPCommand, literalPlus: Bool = true) throws -> [String] {
        try c.chunks(literalPlus: literalPlus).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func loginQuotesItsStrings() throws {
        let c = IMAPCommand.login(tag: "a1", username: "al\"ice", password: #"p\w d"#)
        #expect(try line(c) == ["a1 LOGIN \"al\\\"ice\" \"p\\\\w d\"\r\n"])
        #expect(c.redacted == "a1 LOGIN <redacted>")
    }

    @Test func eightBitTextGoesAsALiteral() throws {
        let c = IMAPCommand.login(tag: "a1", username: "alice", password: "pässword")
        #expect(try line(c) == ["a1 LOGIN \"alice\" {9+}\r\npässword\r\n"])
        #expect(try line(c, literalPlus: false) == ["a1 LOGIN \"alice\" {9}\r\n", "pässword\r\n"])
    }

    @Test func lineBreaksAndNULAreRefused() {
        for bad in ["a\rb", "a\nb", "a\u{0}b"] {
            #expect(throws: IMAPCommand.EncodingError.forbiddenCharacter(field: "password")) {
                try IMAPCommand.login(tag: "a1", username: "alice", password: bad).chunks(literalPlus: true)
            }
        }
    }

    @Test func authenticateIsRedacted() {
        #expect(IMAPCommand.authenticate(tag: "a2", mechanism: "PLAIN", initialResponse: "AGFsaWNlAHB3").redacted == "a2 AUTHENTICATE PLAIN <redacted>")
        #expect(IMAPCommand.authenticate(tag: "a2", mechanism: "CRAM-MD5", initialResponse: nil).redacted == "a2 AUTHENTICATE CRAM-MD5")
    }
}
