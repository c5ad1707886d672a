import Foundation

/// A DKIM key record (RFC 6376 section 3.6.1): its tags and, for RSA, the key length.
struct DKIMKey {
    var tags: [String: String]
    var keyType: String { tags["k"]?.lowercased() ?? "rsa" }
    var publicKey: String? { tags["p"].map { $0.filter { !$0.isWhitespace } } }

    /// Tag names lowercased; a repeated tag's last value counts, and a piece without `=` is
    /// no tag.
    init(_ record: String) {
        var t: [String: String] = [:]
        for tag in TagValueList(record).tags {
            if let value = tag.value { t[tag.name.lowercased()] = value }
        }
        tags = t
    }

    /// The RSA modulus length in bits, from the base64 SubjectPublicKeyInfo (or a bare
    /// RSAPublicKey); nil when it cannot be read.
    var rsaBits: Int? {
        guard let p = publicKey, !p.isEmpty, let der = Data(base64Encoded: p) else { return nil }
        var reader = DER(bytes: Array(der))
        return reader.rsaModulusBits()
    }

    struct DER {
        var bytes: [UInt8]
        var i = 0

        mutating func header() -> (tag: UInt8, length: Int)? {
            guard i + 2 <= bytes.count else { return nil }
            let tag = bytes[i]
            var length = Int(bytes[i + 1])
            i += 2
            if length & 0x80 != 0 {
                let n = length & 0x7F
                guard n > 0, n <= 4, i + n <= bytes.count else { return nil }
                length = bytes[i..<(i + n)].reduce(0) { $0 << 8 | Int($1) }
                i += n
            }
            guard i + length <= bytes.count else { return nil }
            return (tag, length)
        }

        /// SEQUENCE { SEQUENCE alg, BIT STRING { SEQUENCE { INTEGER n, INTEGER e } } },
        /// or SEQUENCE { INTEGER n, INTEGER e }.
        mutating func rsaModulusBits() -> Int? {
            guard let outer = header(), outer.tag == 0x30 else { return nil }
            let save = i
            if let first = header(), first.tag == 0x30 {
                i += first.length                       // AlgorithmIdentifier
                guard let bits = header(), bits.tag == 0x03, i < bytes.count else { return nil }
                i += 1                                  // unused-bits octet
                guard let inner = header(), inner.tag == 0x30 else { return nil }
                _ = inner
            } else {
                i = save
            }
            guard let n = header(), n.tag == 0x02 else { return nil }
            var modulus = bytes[i..<(i + n.length)]
            while modulus.first == 0 { modulus = modulus.dropFirst() }
            guard let top = modulus.first else { return nil }
            return (modulus.count - 1) * 8 + (8 - top.leadingZeroBitCount)
        }
    }
}
