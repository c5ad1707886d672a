import Foundation
import GRDB

/// A value bound to a catalog statement or read from its result, the same on every
/// backend. Statements only ever get values this way (bound parameters), never as text.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
    case date(Date)
}

/// What may be bound to a `?` in a catalog statement.
public protocol SQLArgument: Sendable {
    var sqlValue: SQLValue { get }
}

extension String: SQLArgument { public var sqlValue: SQLValue { .text(self) } }
extension Int: SQLArgument { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLArgument { public var sqlValue: SQLValue { .integer(self) } }
extension Bool: SQLArgument { public var sqlValue: SQLValue { .bool(self) } }
extension Date: SQLArgument { public var sqlValue: SQLValue { .date(self) } }
extension SQLValue: SQLArgument { public var sqlValue: SQLValue { self } }
extension Optional: SQLArgument where Wrapped: SQLArgument {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A column that is missing or holds another type than the catalog's schema says.
public struct SQLColumnError: Error, CustomStringConvertible {
    public var column: String
    public var found: String
    public var description: String { "the column \(column) holds \(found), not what the catalog's schema says" }
}

/// One result row: values by column name.
public struct SQLRow: Sendable {
    /// Column name → index, shared by the rows of one result.
    public let columns: [String: Int]
    public let values: [SQLValue]

    public init(columns: [String: Int], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ name: String) -> SQLValue {
        columns[name].map { values[$0] } ?? .null
    }

    private func fail(_ name: String) -> SQLColumnError {
        SQLColumnError(column: name, found: columns[name] == nil ? "nothing (no such column)" : "\(self[name])")
    }

    public func optionalString(_ name: String) throws(SQLColumnError) -> String? {
        switch self[name] {
        case .null: return nil
        case .text(let s): return s
        default: throw fail(name)
        }
    }

    public func string(_ name: String) throws(SQLColumnError) -> String {
        guard let s = try optionalString(name) else { throw fail(name) }
        return s
    }

    public func optionalInt64(_ name: String) throws(SQLColumnError) -> Int64? {
        switch self[name] {
        case .null: return nil
        case .integer(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: throw fail(name)
        }
    }

    public func int64(_ name: String) throws(SQLColumnError) -> Int64 {
        guard let i = try optionalInt64(name) else { throw fail(name) }
        return i
    }

    public func optionalInt(_ name: String) throws(SQLColumnError) -> Int? { try optionalInt64(name).map { Int($0) } }
    public func int(_ name: String) throws(SQLColumnError) -> Int { Int(try int64(name)) }

    /// SQLite keeps booleans as 0 and 1.
    public func bool(_ name: String) throws(SQLColumnError) -> Bool {
        switch self[name] {
        case .bool(let b): return b
        case .integer(let i): return i != 0
        default: throw fail(name)
        }
    }

    /// SQLite keeps dates as text (GRDB's "yyyy-MM-dd HH:mm:ss.SSS", UTC).
    public func date(_ name: String) throws(SQLColumnError) -> Date {
        switch self[name] {
        case .date(let d): return d
        case .text(let s):
            guard let d = Date.fromDatabaseValue(s.databaseValue) else { throw fail(name) }
            return d
        default: throw fail(name)
        }
    }
}
