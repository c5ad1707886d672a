import Foundation

extension LabServers {
    /// The lab's PostgreSQL, or nil for a lab started before it had one.
    public var postgres: LabPostgres? {
        guard let url = values["POSTGRES_URL"], let passwordFile = values["POSTGRES_PASSWORD_FILE"],
              let ctl = values["POSTGRES_CTL"] else { return nil }
        return LabPostgres(url: url, passwordFile: passwordFile, ctl: ctl, port: port(.postgres))
    }

    /// A second cluster of the same kind, which one test stops and starts while the
    /// others use the first.
    public var postgresForOutage: LabPostgres? {
        guard let url = values["POSTGRES_OUTAGE_URL"], let passwordFile = values["POSTGRES_PASSWORD_FILE"],
              let ctl = values["POSTGRES_OUTAGE_CTL"] else { return nil }
        return LabPostgres(url: url, passwordFile: passwordFile, ctl: ctl, port: port(.postgresOutage))
    }
}

/// The lab's PostgreSQL cluster (scripts/test-servers.sh): role mailconf, which may
/// create databases, and its database mailconf.
public struct LabPostgres: Sendable {
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

    /// Stops (`stop`) or starts (`start`) the cluster. Not through Foundation's Process:
    /// the server that `start` leaves running keeps what Process waits on open, so its
    /// wait never ends; a spawn and waitpid of our own ends with pg_ctl.
    public func control(_ verb: String) throws {
        var pid = pid_t()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(ctl), strdup(verb), nil]
        defer { for a in argv { free(a) } }
        let spawned = posix_spawn(&pid, ctl, &actions, nil, argv, environ)
        guard spawned == 0 else { throw LabPostgresError(message: "\(ctl) \(verb): cannot start it (\(String(cString: strerror(spawned))))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw LabPostgresError(message: "\(ctl) \(verb) failed (wait status \(status)); see the cluster's log") }
    }
}

public struct LabPostgresError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
