import Failures
import Foundation
import MailFormats
import MailSettings

/// The provider presets built into this binary (the `Providers/` folder, as SwiftPM resources).
public enum Presets {
    /// Raw preset files: (file name, bytes), sorted by name.
    static let files: [(name: String, bytes: [UInt8])] = {
        guard let dir = Bundle.module.resourceURL,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix(".xml") }.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)) else { return nil }
            return (name, [UInt8](data))
        }
    }()

    /// Changes whenever a preset file is added, removed or edited.
    static let fingerprint: String = {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for file in files {
            FNV.hash(Array(file.name.utf8) + [0], into: &h)
            FNV.hash(file.bytes + [0], into: &h)
        }
        return String(h, radix: 16)
    }()

    /// Every preset, parsed. A preset that does not parse cleanly is a bug in this build.
    public static func load() throws(CatalogError) -> [(provider: Provider, source: String, hash: String)] {
        var result: [(Provider, String, String)] = []
        for file in files {
            let id = String(file.name.dropLast(4))
            let read: ClientConfig.ReadResult
            do {
                read = try ClientConfig.read(file.bytes, source: "Providers/\(file.name)", fallbackID: id)
            } catch {
                throw .badPreset(error)
            }
            if let w = read.warnings.first {
                throw .badPreset(FormatError(.invalidValue, source: "Providers/\(file.name)", line: w.line, w.message))
            }
            guard read.provider.id == id else {
                throw .badPreset(FormatError(.invalidValue, source: "Providers/\(file.name)",
                                             "mc:provider id '\(read.provider.id)' differs from the file name"))
            }
            result.append((read.provider, "Providers/\(file.name)", Catalog.contentHash(file.bytes)))
        }
        return result
    }
}

/// What `catalog update` changed.
public struct PresetUpdate: Sendable, Codable, Equatable {
    public var added: [String] = []
    public var updated: [String] = []
    public var unchanged: Int = 0
    public var removed: [String] = []
    /// Presets this build no longer ships but an organisation domain still uses; kept.
    public var kept: [String] = []
    /// Ids of user or imported providers that a new preset could not take over.
    public var conflicts: [String] = []
}

extension Catalog {
    static let presetFingerprintKey = "presets-fingerprint"

    /// Brings the built-in presets up to date in one transaction. Imported and user
    /// providers, user servers and organisation domains are never touched.
    @discardableResult
    public func updatePresets(onlyIfChanged: Bool = false) throws(CatalogError) -> PresetUpdate {
        let fingerprint = Presets.fingerprint
        if onlyIfChanged {
            let stored = try read { tx in
                try tx.strings("SELECT value FROM catalog_meta WHERE key = ?", [Self.presetFingerprintKey]).first
            }
            if stored == fingerprint { return PresetUpdate() }
        }
        let presets = try Presets.load()
        return try write(history: { r in
            "refreshed the presets: \(r.added.count) added, \(r.updated.count) updated, \(r.removed.count) removed"
        }) { tx in
            // Another process may have done it while this one waited for the lock.
            if onlyIfChanged, try tx.strings("SELECT value FROM catalog_meta WHERE key = ?",
                                             [Self.presetFingerprintKey]).first == fingerprint {
                return PresetUpdate()
            }
            var report = PresetUpdate()
            let existing = try tx.rows("SELECT id, origin, content_hash FROM provider").map { row in
                (id: try row.string("id"), origin: try ProviderOrigin(row: row), contentHash: try row.string("content_hash"))
            }
            let byID = Dictionary(uniqueKeysWithValues: existing.map { ($0.id, $0) })
            var shipped = Set<String>()
            let now = Date()
            for (provider, source, hash) in presets {
                shipped.insert(provider.id)
                if let old = byID[provider.id] {
                    guard old.origin == .preset else { report.conflicts.append(provider.id); continue }
                    if old.contentHash == hash { report.unchanged += 1; continue }
                    report.updated.append(provider.id)
                } else {
                    report.added.append(provider.id)
                }
                try Self.store(provider, origin: .preset, source: source, hash: hash, at: now, in: tx)
            }
            let inUse = Set(try tx.strings("SELECT provider_id FROM org_domain"))
            for old in existing where old.origin == .preset && !shipped.contains(old.id) {
                if inUse.contains(old.id) {
                    report.kept.append(old.id)
                } else {
                    try tx.execute("DELETE FROM provider WHERE id = ?", [old.id])
                    report.removed.append(old.id)
                }
            }
            try tx.execute("INSERT INTO catalog_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           [Self.presetFingerprintKey, fingerprint])
            return report
        }
    }
}
