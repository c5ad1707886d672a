import Testing
@testable import AutoconfigService

/// The ClientHello read before TLS starts, to choose the certificate: the name and the
/// ALPN protocols, from bytes a stranger sends.
@Suite struct ReadingTheClientHello {
    /// A ClientHello record with these extensions (type, body).
    func record(_ extensions: [(UInt16, [UInt8])], sessionID: Int = 32) -> [UInt8] {
        var ext: [UInt8] = []
        for (type, body) in extensions { ext += u16(Int(type)) + u16(body.count) + body }
        var hello: [UInt8] = [0x03, 0x03] + Array(repeating: 7, count: 32)
        hello += [UInt8(sessionID)] + Array(repeating: 1, count: sessionID)
        hello += u16(4) + [0x13, 0x01, 0x13, 0x02] + [1, 0] + u16(ext.count) + ext
        let handshake: [UInt8] = [0x01, 0, UInt8(hello.count >> 8), UInt8(hello.count & 0xFF)] + hello
        return [0x16, 0x03, 0x01] + u16(handshake.count) + handshake
    }

    func u16(_ n: Int) -> [UInt8] { [UInt8(n >> 8), UInt8(n & 0xFF)] }

    func sni(_ name: String) -> (UInt16, [UInt8]) {
        let n = Array(name.utf8)
        return (0, u16(n.count + 3) + [0] + u16(n.count) + n)
    }

    func alpn(_ protocols: [String]) -> (UInt16, [UInt8]) {
        let list = protocols.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
        return (16, u16(list.count) + list)
    }

    @Test func theNameAndTheProtocolsAreRead() throws {
        let bytes = record([(10, [0, 2, 0, 29]), sni("AutoConfig.Example.org"), alpn(["acme-tls/1"])])
        #expect(ClientHello.completeness(bytes) == .complete(bytes.count))
        let hello = try #require(ClientHello(record: bytes))
        #expect(hello.serverName == "autoconfig.example.org")
        #expect(hello.protocols == ["acme-tls/1"])
        let plain = try #require(ClientHello(record: record([alpn(["h2", "http/1.1"])])))
        #expect(plain.serverName == nil && plain.protocols == ["h2", "http/1.1"])
    }

    @Test func moreIsAwaitedUntilTheFirstRecordIsIn() {
        let bytes = record([sni("autoconfig.example.org")])
        #expect(ClientHello.completeness([]) == .needMore)
        #expect(ClientHello.completeness(bytes.prefix(3)) == .needMore)
        #expect(ClientHello.completeness(bytes.dropLast()) == .needMore)
        #expect(ClientHello.completeness(Array("GET / HTTP/1.1\r\n".utf8)) == .notTLS, "plain HTTP to the https port")
        #expect(ClientHello.completeness([0x16, 3, 1, 0xFF, 0xFF]) == .notTLS, "a record longer than TLS allows")
        #expect(ClientHello.completeness([0x16, 3, 1, 0, 0]) == .notTLS)
    }

    @Test func lengthsThatLieGiveNoAnswerAndNeverReadPastTheEnd() {
        let good = record([sni("autoconfig.example.org"), alpn(["acme-tls/1"])])
        // Every truncation, with the record header claiming the original length.
        for cut in 5..<good.count {
            _ = ClientHello(record: Array(good.prefix(cut)))
        }
        // Every single byte set to 0xFF in turn: parsed or refused, never a crash.
        for i in 0..<good.count {
            var bad = good
            bad[i] = 0xFF
            _ = ClientHello(record: bad)
        }
        let lyingName: (UInt16, [UInt8]) = (0, u16(10) + [0] + u16(200) + Array("abc".utf8))
        #expect(ClientHello(record: record([lyingName])) == nil)
        #expect(ClientHello(record: [0x16, 3, 1, 0, 4, 0x02, 0, 0, 0]) == nil, "a ServerHello is not a ClientHello")
    }
}
