import Logging

/// Where the catalog keeps its rows: the one storage interface, with two implementations,
/// ``SQLiteStore`` (the embedded default) and PostgreSQL (the `PostgresCatalog` module,
/// shared by many `serve` replicas). Everything above it (presets, import, user data,
/// queries) is written once, in the SQL both dialects share; ``dialect`` names the few
/// places where they differ.
public protocol CatalogStore: Sendable {
    var dialect: SQLDialect { get }
    /// For messages: a path, or a URL without its secret.
    var location: String { get }
    var isReadOnly: Bool { get }

    /// Brings the schema up to date (a writer), or checks that it is (a reader): a
    /// missing schema and one newer than this binary are errors that say what to do.
    func prepareSchema() throws
    /// One read transaction: every query in it sees the same snapshot.
    func read<T>(_ body: (any CatalogTransaction) throws -> T) throws -> T
    /// One write transaction, serialised with every other writer of the catalog; all of
    /// it or nothing is committed.
    func write<T>(_ body: (any CatalogTransaction) throws -> T) throws -> T
    /// Called inside a write that changed the catalog, after the generation went up:
    /// tells other processes at commit (PostgreSQL's NOTIFY). SQLite's readers poll.
    func announce(generation: Int, in transaction: any CatalogTransaction) throws
    /// Calls `changed` whenever the catalog may have been changed by another process,
    /// until the task is cancelled.
    func watchChanges(pollInterval: Duration, logger: Logger, changed: @escaping @Sendable () async -> Void) async
    /// The backend's words for one of its own errors, without secrets.
    func reason(for error: any Error) -> String
}

extension CatalogStore {
    public func announce(generation: Int, in transaction: any CatalogTransaction) throws {}

    /// Polling: a reader of a SQLite file has no other way to learn of a commit.
    public func watchChanges(pollInterval: Duration, logger: Logger, changed: @escaping @Sendable () async -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: pollInterval)
            await changed()
        }
    }
}

/// The SQL dialects the catalog is written in.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// Statements inside one transaction. SQL uses `?` for every parameter; a store
/// rewrites them for its backend.
public protocol CatalogTransaction {
    /// Runs a statement and returns its rows (also for `INSERT … RETURNING`).
    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow]
    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int
}

extension CatalogTransaction {
    public func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }
    @discardableResult
    public func execute(_ sql: String) throws -> Int { try execute(sql, []) }
    /// The first row, if any.
    public func row(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> SQLRow? { try rows(sql, arguments).first }
    /// The first column of every row, as text.
    public func strings(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> [String] {
        try rows(sql, arguments).map { row throws(SQLColumnError) in
            guard let name = row.columns.first(where: { $0.value == 0 })?.key else { throw SQLColumnError(column: "#0", found: "no column") }
            return try row.string(name)
        }
    }
    /// The first column of the first row, as a whole number (nil for no row or NULL).
    public func integer(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> Int? {
        guard let row = try row(sql, arguments), let value = row.values.first else { return nil }
        switch value {
        case .null: return nil
        case .integer(let i): return Int(i)
        case .text(let t): return Int(t)
        default: throw SQLColumnError(column: "#0", found: "\(value)")
        }
    }
}
