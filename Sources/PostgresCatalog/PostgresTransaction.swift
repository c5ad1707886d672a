import Catalog
import Foundation
import Logging
import MailNet
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Statements on the store's connection, inside its transaction.
struct PostgresTransaction: CatalogTransaction {
    let connection: PostgresConnection
    let store: PostgresStore

    func run(_ sql: String, _ arguments: [any SQLArgument]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument.sqlValue {
            case .null: binds.appendNull()
            case .integer(let i): binds.append(i)
            case .real(let d): binds.append(d)
            case .text(let s): binds.append(s)
            case .bool(let b): binds.append(b)
            case .date(let d): binds.append(d)
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds)
        let conn = connection
        return try PostgresStore.wait(conn.query(query, logger: store.quiet), seconds: PostgresStore.statementTimeout,
                                      onTimeout: { let _: EventLoopFuture<Void> = conn.close() })
    }

    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        var out: [SQLRow] = []
        var columns: [String: Int]?
        for row in result.rows {
            if columns == nil {
                var c: [String: Int] = [:]
                for (i, cell) in row.enumerated() where c[cell.columnName] == nil { c[cell.columnName] = i }
                columns = c
            }
            var values: [SQLValue] = []
            values.reserveCapacity(row.count)
            for cell in row { values.append(try Self.value(cell)) }
            out.append(SQLRow(columns: columns ?? [:], values: values))
        }
        return out
    }

    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(Int64(try cell.decode(Int.self)))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .timestamptz, .timestamp: return .date(try cell.decode(Date.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// `?` → `$1`, `$2`, …, outside quoted text and names.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        for c in sql {
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }
}
