import Foundation
import MailFormats
import MailSettings

/// What an import did, file by file.
public struct ImportReport: Sendable, Codable, Equatable {
    public struct Skipped: Sendable, Codable, Equatable {
        public var file: String
        public var line: Int?
        public var reason: String
    }
    public struct Note: Sendable, Codable, Equatable {
        public var file: String
        public var line: Int?
        public var message: String
    }
    /// Provider ids new to the catalog.
    public var imported: [String] = []
    /// Provider ids whose settings changed.
    public var updated: [String] = []
    /// Provider ids read again with no change.
    public var unchanged: [String] = []
    public var skipped: [Skipped] = []
    /// Things read but not taken as written (a server skipped, a broken placeholder kept).
    public var warnings: [Note] = []
}

extension Catalog {
    /// Largest clientConfig file accepted; checked before the file is read.
    public static let maxImportFileBytes = XMLLimits.untrusted.maxBytes

    /// Imports clientConfig files and folders of them (files ending in `.xml`).
    /// Every file is parsed before anything is written; then all good files are
    /// written in one transaction. A bad file is skipped with its reason and changes
    /// nothing.
    public func importFiles(_ paths: [String]) throws(CatalogError) -> ImportReport {
        var report = ImportReport()
        var parsed: [(provider: Provider, file: String, hash: String)] = []
        var seen: [String: String] = [:]
        for file in Self.expand(paths, report: &report) {
            let name = (file as NSString).lastPathComponent
            var stem = name
            if stem.lowercased().hasSuffix(".xml") { stem = String(stem.dropLast(4)) }
            do {
                // Read at most one byte over the limit: a huge file is refused without loading it.
                guard let handle = FileHandle(forReadingAtPath: file) else {
                    report.skipped.append(.init(file: file, line: nil, reason: "cannot be opened for reading; check its permissions"))
                    continue
                }
                let data = try handle.read(upToCount: Self.maxImportFileBytes + 1) ?? Data()
                try? handle.close()
                guard data.count <= Self.maxImportFileBytes else {
                    report.skipped.append(.init(file: file, line: nil,
                                                reason: "the file is over the limit of \(Self.maxImportFileBytes) bytes"))
                    continue
                }
                let bytes = [UInt8](data)
                let fallback = (try? Provider.checkID(stem)) ?? ""
                let result = try ClientConfig.read(bytes, source: file, fallbackID: fallback.isEmpty ? "invalid id" : fallback)
                if let earlier = seen[result.provider.id] {
                    report.skipped.append(.init(file: file, line: nil,
                                                reason: "provider id '\(result.provider.id)' was already read from \(earlier) in this import"))
                    continue
                }
                seen[result.provider.id] = file
                report.warnings += result.warnings.map { .init(file: file, line: $0.line, message: $0.message) }
                parsed.append((result.provider, file, Self.contentHash(bytes)))
            } catch let error as FormatError {
                report.skipped.append(.init(file: file, line: error.line, reason: error.message))
            } catch {
                report.skipped.append(.init(file: file, line: nil, reason: "\(error)"))
            }
        }
        guard !parsed.isEmpty else { return report }
        let outcome = try write(history: { r in
            "imported \(r.imported.count), updated \(r.updated.count) providers from \(paths.count == 1 ? paths[0] : "\(paths.count) paths")"
        }) { tx -> ImportReport in
            var r = ImportReport()
            var existing: [String: (origin: ProviderOrigin, hash: String)] = [:]
            for row in try tx.rows("SELECT id, origin, content_hash FROM provider") {
                existing[try row.string("id")] = (try ProviderOrigin(row: row), try row.string("content_hash"))
            }
            let now = Date()
            for (provider, file, hash) in parsed {
                if let old = existing[provider.id] {
                    guard old.origin == .imported else {
                        r.skipped.append(.init(file: file, line: nil,
                                               reason: "provider id '\(provider.id)' belongs to a \(old.origin.rawValue) provider; rename the file to import it beside"))
                        continue
                    }
                    if old.hash == hash { r.unchanged.append(provider.id); continue }
                    r.updated.append(provider.id)
                } else {
                    r.imported.append(provider.id)
                }
                try Self.store(provider, origin: .imported, source: file, hash: hash, at: now, in: tx)
            }
            return r
        }
        report.imported = outcome.imported
        report.updated = outcome.updated
        report.unchanged = outcome.unchanged
        report.skipped += outcome.skipped
        return report
    }

    /// Files named directly, and `.xml` files inside named folders (recursively), sorted.
    static func expand(_ paths: [String], report: inout ImportReport) -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                report.skipped.append(.init(file: path, line: nil, reason: "no such file or folder"))
                continue
            }
            if isDir.boolValue {
                let found = (fm.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { $0.lowercased().hasSuffix(".xml") }
                    .sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
                files += found.filter { p in
                    var d: ObjCBool = false
                    return fm.fileExists(atPath: p, isDirectory: &d) && !d.boolValue
                }
            } else {
                files.append(path)
            }
        }
        return files
    }
}
