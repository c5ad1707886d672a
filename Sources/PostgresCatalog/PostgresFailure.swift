import Catalog
import Foundation
import MailNet
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// What went wrong talking to the catalog's PostgreSQL, in words for people: the
/// server's own message and SQLSTATE where it sent one, never a secret (postgres-nio's
/// own descriptions are kept vague for that reason, so the parts are read here).
enum PostgresFailure: Error, CustomStringConvertible {
    case timedOut(seconds: Int64)

    var description: String {
        switch self {
        case .timedOut(let s): return "PostgreSQL did not answer within \(s) s"
        }
    }

    /// The reason alone, for a failure on an open catalog.
    static func reason(_ error: any Error) -> String {
        if let failure = error as? PostgresFailure { return failure.description }
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo, let message = info[.message] {
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = info[.detail].map { "; \($0)" } ?? ""
                return "PostgreSQL says: \(message)\(detail)\(state)"
            }
            switch psql.code {
            case .sslUnsupported: return "the server does not offer TLS, which sslmode asks for"
            case .authMechanismRequiresPassword: return "the server asks for a password, and none was given"
            case .unsupportedAuthMechanism: return "the server asks for a login method postgres-nio does not speak (use scram-sha-256 or md5 in pg_hba.conf)"
            case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection: return "the connection to PostgreSQL was lost"
            case .connectionError, .failedToAddSSLHandler:
                if let underlying = psql.underlying { return reason(underlying) }
                return "the connection to PostgreSQL failed"
            default:
                if let underlying = psql.underlying { return reason(underlying) }
                return "PostgreSQL client error \(psql.code)"
            }
        }
        if let io = error as? IOError {
            return io.errnoCode == ECONNREFUSED ? "nothing listens there (connection refused)" : "\(io)"
        }
        if let channel = error as? ChannelError {
            if case .connectTimeout(let t) = channel { return "no answer within \(t.nanoseconds / 1_000_000_000) s" }
            return "\(channel)"
        }
        if let connect = error as? NIOConnectionError {
            if connect.dnsAAAAError != nil || connect.dnsAError != nil, connect.connectionErrors.isEmpty {
                return "the host name does not resolve"
            }
            if let first = connect.connectionErrors.first { return reason(first.error) }
            return "cannot connect"
        }
        if error is NIOSSLError || error is BoringSSLError { return "TLS failed: \(TLSErrorWording.describe(error))" }
        return "\(error)"
    }

    /// The failure as the catalog's error, with what to do.
    static func catalogError(_ error: any Error, url: PostgresURL) -> CatalogError {
        if let e = error as? CatalogError { return e }
        let reason = Self.reason(error)
        let state = (error as? PSQLError)?.serverInfo?[.sqlState]
        let hint: String
        switch state {
        case "28P01", "28000":
            hint = "check the password for '\(url.user)' in --db-password-file, PGPASSWORD or PGPASSFILE, and pg_hba.conf"
        case "3D000":
            hint = "create the database (createdb -O \(url.user) \(url.database)) or name another in the URL"
        case "53300":
            hint = "the server has no connection slot left: raise max_connections or use a pooler"
        case .some(let s) where !s.hasPrefix("08") && !s.hasPrefix("57"):
            hint = "the statement failed on the server; its log tells more"
        default:
            switch (error as? PSQLError)?.code {
            case .some(.authMechanismRequiresPassword):
                hint = "give the password in --db-password-file, PGPASSWORD or a PGPASSFILE line"
            case .some(.sslUnsupported):
                hint = "turn on ssl in postgresql.conf, or use sslmode=disable on a trusted network"
            default:
                if reason.hasPrefix("TLS failed") {
                    hint = "check sslmode, and that --db-ca-file holds the CA of the server's certificate for \(url.host)"
                } else {
                    hint = "check the host and port, and that PostgreSQL is running and listens there (listen_addresses, port)"
                }
            }
        }
        return .unreachable(location: url.description, reason: reason, hint: hint)
    }
}
