import MailSettings

extension Catalog {
    /// Providers matching a text by id, name or domain, best first.
    public func search(_ text: String, limit: Int = 20) throws(CatalogError) -> [CatalogEntry] {
        let query = text.lowercased().trimmingCharacters()
        guard !query.isEmpty else { return [] }
        let scored = try entries().compactMap { entry -> (Int, CatalogEntry)? in
            let s = Self.score(entry, query)
            return s > 0 ? (s, entry) : nil
        }
        return scored.sorted {
            $0.0 != $1.0 ? $0.0 > $1.0
                : (Self.rank($0.1.origin), $0.1.provider.id) < (Self.rank($1.1.origin), $1.1.provider.id)
        }.prefix(limit).map(\.1)
    }

    static func score(_ e: CatalogEntry, _ q: String) -> Int {
        let p = e.provider
        let id = p.id
        let names = [p.displayName.lowercased(), p.shortName?.lowercased()].compactMap { $0 }
        if id == q { return 100 }
        if p.domains.contains(q) { return 90 }
        if names.contains(q) { return 85 }
        if id.hasPrefix(q) { return 80 }
        if names.contains(where: { $0.hasPrefix(q) }) { return 70 }
        if names.contains(where: { $0.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { $0.hasPrefix(q) } }) { return 65 }
        if p.domains.contains(where: { $0.hasPrefix(q) }) { return 60 }
        if id.contains(q) { return 50 }
        if names.contains(where: { $0.contains(q) }) { return 40 }
        if p.domains.contains(where: { $0.contains(q) }) { return 30 }
        if p.servers.contains(where: { $0.hostname?.name.contains(q) ?? false }) { return 20 }
        return 0
    }

    /// The ids closest to a mistyped one (edit distance, then prefix), at most three.
    public func suggestions(for text: String) throws(CatalogError) -> [String] {
        let q = text.lowercased()
        let ids = try read { tx in try tx.strings("SELECT id FROM provider ORDER BY id") }
        let tolerance = max(2, q.count / 3)
        var ranked: [(id: String, distance: Int)] = []
        for id in ids {
            let distance = Self.editDistance(q, id)
            let close = distance <= tolerance || id.hasPrefix(q) || (q.count >= 3 && id.contains(q))
            if close { ranked.append((id, distance)) }
        }
        ranked.sort { a, b in a.distance != b.distance ? a.distance < b.distance : a.id < b.id }
        return ranked.prefix(3).map { $0.id }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
