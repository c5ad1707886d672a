import Catalog
import Failures
import Foundation
import MailNet

/// Where the catalog database's password comes from, in libpq's order after the URL
/// (which never holds one here): `--db-password-file`, then `PGPASSWORD`, then the
/// password file (`PGPASSFILE`, else `~/.pgpass`). nil when none of them has one: the
/// server may not ask (trust, peer or certificate authentication).
public enum PostgresCredentials {
    /// The largest password file read.
    static let largestFile = 64 * 1024

    public static func password(for url: PostgresURL, passwordFile: String?,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws(CatalogError) -> String? {
        if let passwordFile {
            let text = try readPrivate(passwordFile, url: url, what: "--db-password-file")
            let line = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).first.map(String.init) ?? ""
            guard !line.isEmpty else {
                throw .unreachable(location: url.description, reason: "the password file \(passwordFile) is empty",
                                   hint: "write the password on its first line")
            }
            return line
        }
        if let p = environment["PGPASSWORD"], !p.isEmpty { return p }
        let file: String
        if let f = environment["PGPASSFILE"], !f.isEmpty {
            file = f
        } else if let home = environment["HOME"], !home.isEmpty {
            file = (home as NSString).appendingPathComponent(".pgpass")
        } else {
            return nil
        }
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let text = try readPrivate(file, url: url, what: "the password file (PGPASSFILE)")
        return match(text, url: url)
    }

    /// The password of the first line of a libpq password file that matches the URL:
    /// `host:port:database:user:password`, `*` for any, `\` before `:` and `\`.
    static func match(_ text: String, url: PostgresURL) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = []
            var current = ""
            var escaped = false
            for c in line {
                if escaped { current.append(c); escaped = false; continue }
                if c == "\\" { escaped = true; continue }
                if c == ":" && fields.count < 4 { fields.append(current); current = ""; continue }
                current.append(c)
            }
            fields.append(current)
            guard fields.count == 5 else { continue }
            let wanted = [url.host, String(url.port), url.database, url.user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// A file only its owner may read (as libpq asks of ~/.pgpass), at most 64 KiB.
    static func readPrivate(_ path: String, url: PostgresURL, what: String) throws(CatalogError) -> String {
        do {
            return String(decoding: try PrivateFile.read(path, limit: largestFile), as: UTF8.self)
        } catch {
            let hint = switch error {
            case .readableByOthers: "only its owner may read a password file, as libpq asks"
            case .cannotRead: "check the path and its permissions"
            case .notRegular, .tooLarge: "give the password file itself"
            }
            throw .unreachable(location: url.description, reason: "\(what) \(path) \(error)", hint: hint)
        }
    }
}
