import Foundation

/// DMARC (RFC 7489 section 6.3): the `_dmarc` record's tags, checked.
public struct DMARCRecord: Sendable, Codable, Equatable {
    public var raw: String
    public var policy: String?
    public var subdomainPolicy: String?
    public var percent: Int?
    public var rua: [String]
    public var ruf: [String]
    public var adkim: String?
    public var aspf: String?
    /// Why the record is not valid, if it is not.
    public var errors: [String]

    public static func parse(_ raw: String) -> DMARCRecord {
        var r = DMARCRecord(raw: raw, policy: nil, subdomainPolicy: nil, percent: nil, rua: [], ruf: [], adkim: nil, aspf: nil, errors: [])
        let tags = TagValueList(raw).tags
        guard let first = tags.first, first.text.replacingOccurrences(of: " ", with: "") == "v=DMARC1" else {
            r.errors.append("the record must start with v=DMARC1 (RFC 7489 section 6.4)")
            return r
        }
        // Every tag is read in turn, so a repeated one's last value counts, and each bad one is named.
        for tag in tags.dropFirst() {
            guard !tag.name.isEmpty, let value = tag.value, !value.isEmpty else {
                r.errors.append("'\(tag.text)' is not a tag=value pair")
                continue
            }
            let (k, v) = (tag.name.lowercased(), value)
            switch k {
            case "p", "sp":
                guard ["none", "quarantine", "reject"].contains(v.lowercased()) else {
                    r.errors.append("\(k)=\(v): expected none, quarantine or reject (RFC 7489 section 6.3)")
                    continue
                }
                if k == "p" { r.policy = v.lowercased() } else { r.subdomainPolicy = v.lowercased() }
            case "pct":
                guard let n = Int(v), (0...100).contains(n) else {
                    r.errors.append("pct=\(v): expected a number from 0 to 100")
                    continue
                }
                r.percent = n
            case "rua", "ruf":
                let uris = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                for u in uris where !u.lowercased().hasPrefix("mailto:") {
                    r.errors.append("\(k): '\(u)' is not a mailto: URI")
                }
                if k == "rua" { r.rua = uris } else { r.ruf = uris }
            case "adkim", "aspf":
                guard ["r", "s"].contains(v.lowercased()) else {
                    r.errors.append("\(k)=\(v): expected r (relaxed) or s (strict)")
                    continue
                }
                if k == "adkim" { r.adkim = v.lowercased() } else { r.aspf = v.lowercased() }
            case "fo", "rf", "ri":
                continue
            default:
                continue   // unknown tags are ignored (section 6.3)
            }
        }
        if r.policy == nil && r.errors.isEmpty {
            r.errors.append("no p= tag: the policy is required (RFC 7489 section 6.3)")
        }
        return r
    }
}
