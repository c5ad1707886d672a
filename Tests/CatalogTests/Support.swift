import Foundation
import Testing
@testable import Catalog
import PostgresCatalog
import TestSupport

/// A test's folder, for its catalog file and the files it imports.
extension TemporaryFolder {
    var dbPath: String { url.appendingPathComponent("catalog.sqlite").path }
    func file(_ name: String, _ text: String) -> String {
        let path = url.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}


let validFile = """
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <domain>example.org</domain>
    <displayName>Example</displayName>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""

/// The catalog backends every catalog test runs against.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    var description: String { rawValue }

    /// The backends this run has: PostgreSQL only with the lab's. Without it, the test
    /// `theLabPostgreSQLTakesACatalog` is reported skipped, and the CI check fails.
    static var available: [Backend] { Requirement.labPostgres.isAvailable ? allCases : [.sqlite] }
}

/// A new, empty place for one test's catalog: a SQLite file in a folder of its own, or a
/// database of its own on the lab's PostgreSQL.
final class TestCatalog: @unchecked Sendable {
    let backend: Backend
    let dir = TemporaryFolder()
    /// The PostgreSQL database's URL.
    let url: String?
    let lab: LabPostgres?

    init(_ backend: Backend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            url = nil
            lab = nil
        case .postgres:
            let lab = try #require(LabServers.current?.postgres, Comment(rawValue: Requirement.labPostgres.missing))
            self.lab = lab
            url = try lab.freshDatabase()
        }
    }

    /// What `--db` would say.
    var location: String { url ?? dir.dbPath }

    func store(readOnly: Bool = false) throws -> any CatalogStore {
        switch backend {
        case .sqlite: return try SQLiteStore(path: dir.dbPath, readOnly: readOnly)
        case .postgres: return try PostgresStore(url: PostgresURL(url!), password: lab!.password, readOnly: readOnly)
        }
    }

    func open(readOnly: Bool = false, refreshPresets: Bool = true) throws -> Catalog {
        try Catalog(store: store(readOnly: readOnly), refreshPresets: refreshPresets)
    }

    /// Runs statements in one write transaction, past the catalog's rules (to set up a
    /// state the rules would not make).
    func raw(_ catalog: Catalog, _ statements: [(String, [any SQLArgument])]) throws {
        try catalog.store.write { tx in
            for (sql, arguments) in statements { try tx.execute(sql, arguments) }
        }
    }

    deinit {
        if let url, let lab, let name = url.split(separator: "/").last {
            _ = try? lab.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
