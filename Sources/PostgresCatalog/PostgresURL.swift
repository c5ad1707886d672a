import Catalog
import Foundation

/// A catalog database named as `postgres://USER@HOST:PORT/DB?sslmode=MODE`, libpq's
/// form without the password: a URL given in argv is visible to every user of the
/// machine, so the password comes from elsewhere (``PostgresCredentials``).
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// TLS to the database, as libpq's `sslmode` names it.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, else plain TCP; the certificate is not checked
        /// (libpq's default).
        case prefer
        /// TLS or nothing; the certificate is not checked.
        case require
        /// TLS, the certificate checked against `--db-ca-file` (else the system's CAs)
        /// and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// Seconds a connection may take (libpq's `connect_timeout`).
    public var connectTimeout: Int

    /// Whether a `--db` value names a PostgreSQL catalog rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws(CatalogError) {
        func bad(_ why: String) -> CatalogError {
            .unreachable(location: Self.redacted(text), reason: why,
                         hint: "write it as postgres://USER@HOST:PORT/DATABASE?sslmode=require, the password in PGPASSWORD, PGPASSFILE or --db-password-file")
        }
        guard Self.isPostgres(text), let parts = URLComponents(string: text) else { throw bad("this is not a postgres:// URL") }
        guard parts.password == nil else {
            throw bad("the URL holds a password, which every user of this machine can read in the process list")
        }
        guard let user = parts.user, !user.isEmpty else { throw bad("the URL names no user (postgres://USER@HOST/DB)") }
        guard var host = parts.host, !host.isEmpty else { throw bad("the URL names no host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        guard !path.contains("/") else { throw bad("the database name '\(path)' holds a '/'") }
        var mode = SSLMode.prefer
        var timeout = 5
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let m = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw bad("sslmode=\(item.value ?? ""): expected \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = m
            case "connect_timeout":
                guard let s = item.value.flatMap(Int.init), (1...300).contains(s) else {
                    throw bad("connect_timeout=\(item.value ?? ""): expected seconds, 1 to 300")
                }
                timeout = s
            default:
                throw bad("the parameter '\(item.name)' is not one mailconf reads (sslmode, connect_timeout)")
            }
        }
        for (name, value) in [("user", user), ("database", path)] where value.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw bad("the \(name) holds a line break or NUL")
        }
        self.user = user
        self.host = host
        self.port = parts.port ?? 5432
        self.database = path.isEmpty ? user : path
        self.sslMode = mode
        self.connectTimeout = timeout
    }

    /// The URL as messages and logs show it: never with a secret.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        let u = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
        let d = database.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? database
        return "postgres://\(u)@\(h):\(port)/\(d)"
    }

    /// A URL that did not parse, shown with anything between `//` and `@` after a `:` hidden.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let userinfo = text[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":…" + String(text[at...])
    }
}
