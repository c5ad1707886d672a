import Foundation

extension LabServers {
    /// The lab's PostgreSQL, or nil for a lab started before it had one.
    public var postgres: LabPostgres? {
        guard let url = values["POSTGRES_URL"], let passwordFile = values["POSTGRES_PASSWORD_FILE"],
              let ctl = values["POSTGRES_CTL"] else { return nil }
        return LabPostgres(url: url, passwordFile: passwordFile, ctl: ctl, port: port("POSTGRES_PORT"))
    }

    /// A second cluster of the same kind, which one test stops and starts while the
    /// others use the first.
    public var postgresForOutage: LabPostgres? {
        guard let url = values["POSTGRES_OUTAGE_URL"], let passwordFile = values["POSTGRES_PASSWORD_FILE"],
              let ctl = values["POSTGRES_OUTAGE_CTL"] else { return nil }
        return LabPostgres(url: url, passwordFile: passwordFile, ctl: ctl, port: port("POSTGRES_OUTAGE_PORT"))
    }
}

/// The lab's PostgreSQL cluster (scripts/test-servers.sh): role mailconf, which may
/// create databases, and its database mailconf.
public struct LabPostgres: Sendable {
    public static let missing = "no lab PostgreSQL: run the tests through scripts/test.sh, which starts one (apt-get install postgresql)"

    /// postgres://mailconf@127.0.0.1:PORT/mailconf
    public let url: String
    public let passwordFile: String
    /// Stops and starts the cluster: `ctl stop`, `ctl start`.
    public let ctl: String
    public let port: Int

    public var password: String { (try? String(contentsOfFile: passwordFile, encoding: .utf8)) ?? "" }

    /// The URL of another database on the same server.
    public func url(database: String) -> String {
        String(url[..<url.lastIndex(of: "/")!]) + "/" + database
    }

    /// Runs SQL as the mailconf role with psql, outside any transaction (CREATE DATABASE
    /// cannot run in one); fails with psql's words.
    @discardableResult
    public func psql(_ sql: String, database: String = "mailconf") throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        let r = try Tool.run("psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port),
                                      "-U", "mailconf", "-d", database, "-c", sql], environment: environment)
        guard r.status == 0 else { throw LabPostgresError(message: "psql \(sql): \(r.stderr)") }
        return r.stdout
    }

    /// A new, empty database for one test; its URL.
    public func freshDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        try psql("CREATE DATABASE \(name)")
        return url(database: String(name))
    }

    /// Stops (`stop`) or starts (`start`) the cluster.
    public func control(_ verb: String) throws {
        let r = try Tool.run(ctl, [verb])
        guard r.status == 0 else { throw LabPostgresError(message: "\(ctl) \(verb): \(r.stderr)\(r.stdout)") }
    }
}

public struct LabPostgresError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
