/// What the TLS ClientHello says before any handshake: the server name (SNI, RFC 6066
/// §3) and the ALPN protocols offered (RFC 7301). Read from the first record only, every
/// length checked against what is there; anything else gives no answer, and the TLS
/// library then sees the bytes as they came.
struct ClientHello: Equatable {
    var serverName: String?
    var protocols: [String]

    /// The record header (5 bytes) and whether a full first record is in `bytes`:
    /// nil while more is needed; `.notTLS` when it cannot be a ClientHello record.
    enum Completeness: Equatable { case needMore, complete(Int), notTLS }

    /// The largest first record taken: a ClientHello fits in one TLS plaintext record.
    static let largestRecord = 16_384

    static func completeness(_ bytes: some Collection<UInt8>) -> Completeness {
        let b = Array(bytes.prefix(5))
        guard let first = b.first else { return .needMore }
        guard first == 0x16 else { return .notTLS }
        guard b.count == 5 else { return .needMore }
        let length = Int(b[3]) << 8 | Int(b[4])
        guard length > 0, length <= largestRecord else { return .notTLS }
        return bytes.count >= 5 + length ? .complete(5 + length) : .needMore
    }

    /// Parses a complete first record.
    init?(record: [UInt8]) {
        var r = Reader(bytes: record)
        guard r.u8() == 0x16, r.skip(2), let recordLength = r.u16(), recordLength <= record.count - 5,
              r.u8() == 0x01, let helloLength = r.u24(), helloLength <= recordLength - 4,
              r.skip(2 + 32), let sessionID = r.u8(), r.skip(Int(sessionID)),
              let suites = r.u16(), r.skip(suites), let compression = r.u8(), r.skip(Int(compression)) else { return nil }
        serverName = nil
        protocols = []
        guard let extensionsLength = r.u16(), var extensions = r.sub(extensionsLength) else { return }  // no extensions
        while !extensions.atEnd {
            guard let type = extensions.u16(), let length = extensions.u16(), var body = extensions.sub(length) else { return nil }
            switch type {
            case 0x0000:  // server_name
                guard let listLength = body.u16(), var list = body.sub(listLength) else { return nil }
                while !list.atEnd {
                    guard let nameType = list.u8(), let nameLength = list.u16(), let name = list.take(nameLength) else { return nil }
                    if nameType == 0, serverName == nil { serverName = String(decoding: name, as: UTF8.self).lowercased() }
                }
            case 0x0010:  // application_layer_protocol_negotiation
                guard let listLength = body.u16(), var list = body.sub(listLength) else { return nil }
                while !list.atEnd {
                    guard let length = list.u8(), let name = list.take(Int(length)) else { return nil }
                    protocols.append(String(decoding: name, as: UTF8.self))
                }
            default: break
            }
        }
    }

    private struct Reader {
        var bytes: ArraySlice<UInt8>
        init(bytes: [UInt8]) { self.bytes = bytes[...] }
        init(slice: ArraySlice<UInt8>) { bytes = slice }
        var atEnd: Bool { bytes.isEmpty }
        mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, bytes.count >= n else { return nil }
            defer { bytes = bytes.dropFirst(n) }
            return bytes.prefix(n)
        }
        mutating func skip(_ n: Int) -> Bool { take(n) != nil }
        mutating func sub(_ n: Int) -> Reader? { take(n).map { Reader(slice: $0) } }
        mutating func u8() -> UInt8? { take(1)?.first }
        mutating func u16() -> Int? { take(2).map { Int($0.first!) << 8 | Int($0.last!) } }
        mutating func u24() -> Int? { take(3).map { $0.reduce(0) { $0 << 8 | Int($1) } } }
    }
}
