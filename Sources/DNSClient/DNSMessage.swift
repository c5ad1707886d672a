/// DNS messages (RFC 1035) for the few record types discovery needs: building one
/// question, reading the answers. Responses are untrusted: every read is bounds-checked
/// and name compression may not loop.
public enum DNSRecordType: UInt16, Sendable, CustomStringConvertible {
    case a = 1, cname = 5, mx = 15, txt = 16, aaaa = 28, srv = 33, opt = 41
    public var description: String {
        switch self {
        case .a: "A"
        case .cname: "CNAME"
        case .mx: "MX"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        case .opt: "OPT"
        }
    }
}

public struct MXRecord: Sendable, Equatable, Codable {
    public var preference: UInt16
    public var exchange: String
}

/// RFC 2782. A target of "." says the service is not offered at this domain.
public struct SRVRecord: Sendable, Equatable, Codable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: String
    public var isNotOffered: Bool { target == "." || target.isEmpty }
}

enum DNSRecordData: Sendable, Equatable {
    case address(String)
    case mx(MXRecord)
    case srv(SRVRecord)
    case txt(String)
    case cname(String)
    case other
}

struct DNSAnswer: Sendable, Equatable {
    var name: String
    var type: UInt16
    var data: DNSRecordData
}

struct DNSResponse: Sendable {
    var id: UInt16
    var truncated: Bool
    var rcode: UInt8
    var answers: [DNSAnswer]
}

enum DNSWire {
    struct Malformed: Error {}

    /// A query with one question and an EDNS0 OPT record offering 1232-byte answers.
    static func query(id: UInt16, name: String, type: DNSRecordType) throws(DNSError) -> [UInt8] {
        var out: [UInt8] = []
        out += be16(id) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(1)
        out += try encodeName(name)
        out += be16(type.rawValue) + be16(1)
        // OPT: root name, type 41, UDP size 1232, no extended flags, no options.
        out += [0] + be16(DNSRecordType.opt.rawValue) + be16(1232) + [0, 0, 0, 0] + be16(0)
        return out
    }

    static func encodeName(_ name: String) throws(DNSError) -> [UInt8] {
        var out: [UInt8] = []
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard trimmed.utf8.count <= 253 else { throw DNSError(.dnsInvalidName, name: name, "the name is longer than 253 characters") }
        for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) where !trimmed.isEmpty {
            let bytes = Array(label.utf8)
            guard (1...63).contains(bytes.count), bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw DNSError(.dnsInvalidName, name: name, "'\(label)' is not a DNS label")
            }
            out.append(UInt8(bytes.count))
            out += bytes
        }
        out.append(0)
        return out
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

    static func parse(_ b: [UInt8]) throws -> DNSResponse {
        var r = Reader(bytes: b)
        let id = try r.u16()
        let flags = try r.u16()
        let qd = try r.u16(), an = try r.u16()
        _ = try r.u16()
        _ = try r.u16()
        for _ in 0..<qd {
            _ = try r.name()
            _ = try r.u16()
            _ = try r.u16()
        }
        var answers: [DNSAnswer] = []
        for _ in 0..<an {
            let name = try r.name()
            let type = try r.u16()
            _ = try r.u16()
            _ = try r.u32()
            let length = Int(try r.u16())
            let end = r.offset + length
            guard end <= b.count else { throw Malformed() }
            var data = DNSRecordData.other
            switch DNSRecordType(rawValue: type) {
            case .a?:
                guard length == 4 else { throw Malformed() }
                data = .address(b[r.offset..<end].map(String.init).joined(separator: "."))
            case .aaaa?:
                guard length == 16 else { throw Malformed() }
                let words = stride(from: r.offset, to: end, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }
                data = .address(words.joined(separator: ":"))
            case .mx?:
                let pref = try r.u16()
                data = .mx(MXRecord(preference: pref, exchange: try r.name()))
            case .srv?:
                let priority = try r.u16(), weight = try r.u16(), port = try r.u16()
                let target = try r.name()
                data = .srv(SRVRecord(priority: priority, weight: weight, port: port, target: target.isEmpty ? "." : target))
            case .txt?:
                var text = [UInt8]()
                var p = r.offset
                while p < end {
                    let n = Int(b[p])
                    guard p + 1 + n <= end else { throw Malformed() }
                    text += b[(p + 1)..<(p + 1 + n)]
                    p += 1 + n
                }
                data = .txt(String(decoding: text, as: UTF8.self))
            case .cname?:
                data = .cname(try r.name())
            default:
                break
            }
            r.offset = end
            answers.append(DNSAnswer(name: name, type: type, data: data))
        }
        return DNSResponse(id: id, truncated: flags & 0x0200 != 0, rcode: UInt8(flags & 0x000F), answers: answers)
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func u8() throws -> UInt8 {
            guard offset < bytes.count else { throw Malformed() }
            defer { offset += 1 }
            return bytes[offset]
        }
        mutating func u16() throws -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }
        mutating func u32() throws -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }

        /// A possibly compressed name; at most 128 pointer jumps and 255 octets.
        mutating func name() throws -> String {
            var labels: [String] = []
            var p = offset
            var jumped = false
            var jumps = 0
            var total = 0
            while true {
                guard p < bytes.count else { throw Malformed() }
                let len = Int(bytes[p])
                if len == 0 {
                    if !jumped { offset = p + 1 }
                    break
                }
                if len & 0xC0 == 0xC0 {
                    guard p + 1 < bytes.count, jumps < 128 else { throw Malformed() }
                    let target = (len & 0x3F) << 8 | Int(bytes[p + 1])
                    if !jumped { offset = p + 2 }
                    jumped = true
                    jumps += 1
                    p = target
                    continue
                }
                guard len <= 63, p + 1 + len <= bytes.count else { throw Malformed() }
                total += len + 1
                guard total <= 255 else { throw Malformed() }
                labels.append(String(decoding: bytes[(p + 1)..<(p + 1 + len)], as: UTF8.self).lowercased())
                p += 1 + len
            }
            return labels.joined(separator: ".")
        }
    }
}
