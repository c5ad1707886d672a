/// FNV-1a, 64 bit, over 8-byte words: a fingerprint for change detection (preset
/// contents, the service's ETags), not for security. The one hash of this kind in mailconf.
public enum FNV {
    public static func hash(_ bytes: [UInt8], into h: inout UInt64) {
        bytes.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                h ^= raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                h = h &* 0x100_0000_01B3
            }
            for i in (words * 8)..<raw.count {
                h ^= UInt64(raw[i])
                h = h &* 0x100_0000_01B3
            }
        }
        h ^= UInt64(bytes.count)
        h = h &* 0x100_0000_01B3
    }
    /// Lowercase hex, without leading zeros (as catalogs already store it).
    public static func hex(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        hash(bytes, into: &h)
        return String(h, radix: 16)
    }
}
