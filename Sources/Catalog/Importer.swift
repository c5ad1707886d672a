import Failures
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
        var parsed: [ParsedFile] = []
        var seen: [String: String] = [:]
        for file in Self.expand(paths, report: &report) {
            guard let one = Self.parse(file, report: &report) else { continue }
            if let earlier = seen[one.provider.id] {
                report.skipped.append(.init(file: file, line: nil,
                                            reason: "provider id '\(one.provider.id)' was already read from \(earlier) in this import"))
                continue
            }
            seen[one.provider.id] = file
            parsed.append(one)
        }
        guard !parsed.isEmpty else { return report }
        let outcome = try write(history: { r in
            "imported \(r.imported.count), updated \(r.updated.count) providers from \(paths.count == 1 ? paths[0] : "\(paths.count) paths")"
        }) { tx -> ImportReport in try Self.store(parsed, in: tx) }
        report.imported = outcome.imported
        report.updated = outcome.updated
        report.unchanged = outcome.unchanged
        report.skipped += outcome.skipped
        return report
    }

    /// One file read and parsed, before anything is written.
    struct ParsedFile {
        var provider: Provider
        var file: String
        var hash: String
    }

    /// A file read (at most one byte over the limit: a huge file is refused without
    /// loading it) and parsed; nil, with the reason in `report`, when it cannot be.
    static func parse(_ file: String, report: inout ImportReport) -> ParsedFile? {
        var stem = (file as NSString).lastPathComponent
        if stem.lowercased().hasSuffix(".xml") { stem = String(stem.dropLast(4)) }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try BoundedFile.read(file, limit: maxImportFileBytes))
        } catch .tooLarge {
            report.skipped.append(.init(file: file, line: nil, reason: "the file is over the limit of \(maxImportFileBytes) bytes"))
            return nil
        } catch {
            report.skipped.append(.init(file: file, line: nil, reason: "cannot be opened for reading (it \(error)); check its permissions"))
            return nil
        }
        do {
            let fallback = (try? Provider.checkID(stem)) ?? ""
            let result = try ClientConfig.read(bytes, source: file, fallbackID: fallback.isEmpty ? "invalid id" : fallback)
            report.warnings += result.warnings.map { .init(file: file, line: $0.line, message: $0.message) }
            return ParsedFile(provider: result.provider, file: file, hash: contentHash(bytes))
        } catch {
            report.skipped.append(.init(file: file, line: error.line, reason: error.message))
            return nil
        }
    }

    /// The parsed files written in one transaction: new ones imported, changed ones
    /// updated, a file whose id belongs to a preset or the user's own skipped.
    static func store(_ parsed: [ParsedFile], in tx: any CatalogTransaction) throws -> ImportReport {
        var r = ImportReport()
        var existing: [String: (origin: ProviderOrigin, hash: String)] = [:]
        for row in try tx.rows("SELECT id, origin, content_hash FROM provider") {
            existing[try row.string("id")] = (try ProviderOrigin(row: row), try row.string("content_hash"))
        }
        let now = Date()
        for one in parsed {
            let (provider, file, hash) = (one.provider, one.file, one.hash)
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
            try store(provider, origin: .imported, source: file, hash: hash, at: now, in: tx)
        }
        return r
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
