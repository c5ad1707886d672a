import Foundation
import GRDB

/// The catalog in one SQLite file: the embedded default, which needs no set-up.
///
/// WAL mode (readers never block the writer), GRDB's migrator over ``Schema``, and every
/// write in one transaction.
public final class SQLiteStore: CatalogStore {
    let pool: DatabasePool
    public let path: String
    public let isReadOnly: Bool
    public var dialect: SQLDialect { .sqlite }
    public var location: String { path }

    /// Opens the file; a writer creates it (and its folder) when it is not there.
    /// - Parameter readOnly: for readers such as the HTTP service; the file must exist.
    public init(path: String, readOnly: Bool = false) throws(CatalogError) {
        self.path = path
        self.isReadOnly = readOnly
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        do {
            if !readOnly {
                let dir = (path as NSString).deletingLastPathComponent
                if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            } else if !FileManager.default.fileExists(atPath: path) {
                throw CatalogError.cannotOpen(path: path, reason: "the file does not exist (a read-only open does not create it)")
            }
            pool = try DatabasePool(path: path, configuration: config)
        } catch let error as CatalogError {
            throw error
        } catch {
            var reason = Self.describe(error)
            let dir = (path as NSString).deletingLastPathComponent
            if readOnly && !FileManager.default.isWritableFile(atPath: dir.isEmpty ? "." : dir) {
                // A WAL-mode database is read through its -shm file, which a reader
                // creates when no writer has: the folder must let it.
                reason += " (a reader needs to create \((path as NSString).lastPathComponent)-shm beside it: make \(dir.isEmpty ? "the folder" : dir) writable by this user, as systemd's StateDirectory= does for the service's user)"
            }
            throw CatalogError.cannotOpen(path: path, reason: reason)
        }
    }

    public func prepareSchema() throws {
        let migrator = Schema.sqliteMigrator
        let (applied, superseded) = try pool.read { db in
            (try migrator.appliedIdentifiers(db), try migrator.hasBeenSuperseded(db))
        }
        if superseded {
            let known = Set(migrator.migrations)
            throw CatalogError.schemaNewer(location: path, unknown: applied.subtracting(known).sorted())
        }
        if isReadOnly {
            if applied.isEmpty { throw CatalogError.noSchema(location: path) }
            let missing = migrator.migrations.filter { !applied.contains($0) }
            if !missing.isEmpty { throw CatalogError.schemaBehind(location: path, missing: missing) }
        } else {
            try migrator.migrate(pool)
        }
    }

    public func read<T>(_ body: (any CatalogTransaction) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteTransaction(db: db)) }
    }

    public func write<T>(_ body: (any CatalogTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(SQLiteTransaction(db: db)) }
    }

    public func reason(for error: any Error) -> String { Self.describe(error) }

    static func describe(_ error: any Error) -> String {
        if let db = error as? DatabaseError { return db.message ?? "SQLite error \(db.resultCode)" }
        return "\(error)"
    }
}

/// Statements on one GRDB connection, inside the store's transaction.
struct SQLiteTransaction: CatalogTransaction {
    let db: Database

    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let names = statement.columnNames
        var columns: [String: Int] = [:]
        for (i, name) in names.enumerated() where columns[name] == nil { columns[name] = i }
        var out: [SQLRow] = []
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while let row = try cursor.next() {
            var values: [SQLValue] = []
            values.reserveCapacity(names.count)
            for value in row.databaseValues {
                switch value.storage {
                case .null: values.append(.null)
                case .int64(let i): values.append(.integer(i))
                case .double(let d): values.append(.real(d))
                case .string(let s): values.append(.text(s))
                case .blob(let b): values.append(.text(String(decoding: b, as: UTF8.self)))
                }
            }
            out.append(SQLRow(columns: columns, values: values))
        }
        return out
    }

    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    static func arguments(_ values: [any SQLArgument]) -> StatementArguments {
        StatementArguments(values.map { argument -> DatabaseValue in
            switch argument.sqlValue {
            case .null: return .null
            case .integer(let i): return i.databaseValue
            case .real(let d): return d.databaseValue
            case .text(let s): return s.databaseValue
            case .bool(let b): return b.databaseValue
            case .date(let d): return d.databaseValue
            }
        })
    }
}
