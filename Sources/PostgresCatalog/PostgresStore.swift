import Catalog
import Foundation
import Logging
import MailNet
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The catalog in a PostgreSQL database, shared by every `mailconf serve` replica and
/// changed from anywhere.
///
/// One connection per process, opened on first use and again after a loss (with
/// backoff); one transaction on it at a time. Writers take one advisory lock, so writes
/// are serialised as SQLite serialises them, and each write's generation bump is
/// announced with `NOTIFY mailconf_catalog` in the same transaction. Readers see one
/// snapshot per transaction (REPEATABLE READ). Every wait is bounded.
public final class PostgresStore: CatalogStore, @unchecked Sendable {
    /// The channel every write notifies and every `serve` listens on.
    public static let channel = "mailconf_catalog"
    /// The key of the advisory lock that serialises writers ("mailconf" in ASCII, folded).
    static let writerLock: Int64 = 0x6D61_696C_636F_6E66
    /// How long one statement may take before the connection is given up.
    static let statementTimeout: Int64 = 30

    public let url: PostgresURL
    public let isReadOnly: Bool
    public var dialect: SQLDialect { .postgres }
    public var location: String { url.description }

    let configuration: PostgresConnection.Configuration
    /// postgres-nio's own logging stays quiet: its errors reach people through ours.
    let quiet: Logger
    private let lock = NIOLock()
    // Guarded by `lock`.
    private var connection: PostgresConnection?
    private var failures = 0
    private var retryAt: NIODeadline?
    private var lastFailure: CatalogError?
    private let ids = NIOLockedValueBox(0)

    /// - Parameters:
    ///   - password: from ``PostgresCredentials``; nil when the server asks for none.
    ///   - caFile: the CAs `sslmode=verify-full` trusts (default: the system's).
    public init(url: PostgresURL, password: String?, caFile: String? = nil, readOnly: Bool = false) throws(CatalogError) {
        self.url = url
        self.isReadOnly = readOnly
        var quiet = Logger(label: "mailconf.postgres")
        quiet.logLevel = .critical
        self.quiet = quiet
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch url.sslMode {
            case .disable:
                tls = .disable
            case .prefer, .require:
                var config = TLSConfiguration.makeClientConfiguration()
                config.certificateVerification = .none
                let context = try NIOSSLContext(configuration: config)
                tls = url.sslMode == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                var config = TLSConfiguration.makeClientConfiguration()
                config.certificateVerification = .fullVerification
                if let caFile {
                    guard FileManager.default.isReadableFile(atPath: caFile) else {
                        throw CatalogError.unreachable(location: url.description, reason: "--db-ca-file \(caFile) cannot be read",
                                                       hint: "give a PEM file of the CAs that signed the server's certificate")
                    }
                    config.trustRoots = .file(caFile)
                }
                tls = .require(try NIOSSLContext(configuration: config))
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .unreachable(location: url.description, reason: "cannot set up TLS: \(error)",
                               hint: "check --db-ca-file (PEM) and sslmode")
        }
        if caFile != nil && url.sslMode != .verifyFull {
            throw .unreachable(location: url.description, reason: "--db-ca-file is given but sslmode is \(url.sslMode.rawValue)",
                               hint: "add ?sslmode=verify-full to the URL, so that the server's certificate is checked against it")
        }
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                             password: password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        if url.sslMode == .verifyFull { configuration.options.tlsServerName = url.host }
        configuration.options.additionalStartupParameters = [("application_name", "mailconf")]
        self.configuration = configuration
    }

    deinit {
        // The connection must outlive its close (postgres-nio asserts it).
        if let open = connection, !open.isClosed {
            open.close().whenComplete { _ in withExtendedLifetime(open) {} }
        }
    }

    // MARK: Transactions

    public func read<T>(_ body: (any CatalogTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    public func write<T>(_ body: (any CatalogTransaction) throws -> T) throws -> T {
        guard !isReadOnly else {
            throw CatalogError.cannotOpen(path: location, reason: "it was opened read-only, for serving")
        }
        return try transaction(begin: "BEGIN", lockWriters: true, body)
    }

    public func announce(generation: Int, in transaction: any CatalogTransaction) throws {
        // Delivered at commit, and only then, to every session that LISTENs.
        _ = try transaction.rows("SELECT pg_notify(?, ?)", [Self.channel, String(generation)])
    }

    func transaction<T>(begin: String, lockWriters: Bool = false, _ body: (any CatalogTransaction) throws -> T) throws -> T {
        try lock.withLock {
            let conn = try connected()
            let tx = PostgresTransaction(connection: conn, store: self)
            do { _ = try tx.run(begin, []) } catch {
                if Self.losesTheConnection(error) { drop(conn) }
                throw Self.backendFailure(error, url: url)
            }
            do {
                if lockWriters { _ = try tx.run("SELECT pg_advisory_xact_lock(?)", [Self.writerLock]) }
                let result = try body(tx)
                _ = try tx.run("COMMIT", [])
                return result
            } catch {
                if Self.losesTheConnection(error) {
                    drop(conn)
                } else if !conn.isClosed {
                    _ = try? tx.run("ROLLBACK", [])
                }
                throw Self.backendFailure(error, url: url)
            }
        }
    }

    /// Whether after `error` the connection cannot be used again: anything but an error
    /// the server reported for one statement, and the server's own shutdown and
    /// connection classes (SQLSTATE 57 and 08).
    static func losesTheConnection(_ error: any Error) -> Bool {
        if let psql = error as? PSQLError {
            guard let state = psql.serverInfo?[.sqlState] else { return true }
            return state.hasPrefix("57") || state.hasPrefix("08")
        }
        return error is PostgresFailure || error is IOError || error is ChannelError || error is NIOSSLError
    }

    /// Forgets a broken connection (closing it), so that the next transaction opens a
    /// new one. Called with `lock` held.
    private func drop(_ conn: PostgresConnection) {
        if connection === conn { connection = nil }
        if !conn.isClosed { conn.close().whenComplete { _ in withExtendedLifetime(conn) {} } }
    }

    /// The store's own failures as catalog errors; the body's errors as they are.
    static func backendFailure(_ error: any Error, url: PostgresURL) -> any Error {
        switch error {
        case is PSQLError, is PostgresFailure, is IOError, is ChannelError, is NIOSSLError:
            return PostgresFailure.catalogError(error, url: url)
        default:
            return error
        }
    }

    /// The open connection, or a new one; after a failure, new attempts wait out a
    /// backoff (0.25 s doubling to 4 s), failing at once with the last error meanwhile.
    /// Called with `lock` held.
    private func connected() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        connection = nil
        if let retryAt, let lastFailure, NIODeadline.now() < retryAt { throw lastFailure }
        do {
            let conn = try Self.wait(connect(), seconds: Int64(url.connectTimeout) + 1, onTimeout: {})
            connection = conn
            failures = 0
            retryAt = nil
            lastFailure = nil
            return conn
        } catch {
            failures += 1
            let backoff = min(250 * (1 << min(failures - 1, 4)), 4000)
            retryAt = .now() + .milliseconds(Int64(backoff))
            let mapped = PostgresFailure.catalogError(error, url: url)
            lastFailure = mapped
            throw mapped
        }
    }

    /// Lets the next transaction connect at once, whatever the backoff says.
    func retryNow() {
        lock.withLock {
            retryAt = nil
            failures = 0
        }
    }

    func connect() -> EventLoopFuture<PostgresConnection> {
        let id = ids.withLockedValue { $0 += 1; return $0 }
        return PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                          id: id, logger: quiet)
    }

    /// Waits for `future` at most `seconds`; then runs `onTimeout` and throws.
    static func wait<T: Sendable>(_ future: EventLoopFuture<T>, seconds: Int64, onTimeout: @escaping @Sendable () -> Void) throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        let settled = NIOLockedValueBox(false)
        let settle: @Sendable (Result<T, any Error>) -> Void = { result in
            let first = settled.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { promise.completeWith(result) }
        }
        future.whenComplete(settle)
        let timer = future.eventLoop.scheduleTask(in: .seconds(seconds)) {
            settle(.failure(PostgresFailure.timedOut(seconds: seconds)))
            onTimeout()
        }
        defer { timer.cancel() }
        return try promise.futureResult.wait()
    }

    public func reason(for error: any Error) -> String {
        PostgresFailure.reason(error)
    }

    // MARK: For the change watcher

    /// A connection of its own (LISTEN holds it), async.
    func connectForListening() async throws -> PostgresConnection {
        let id = ids.withLockedValue { $0 += 1; return $0 }
        return try await PostgresConnection.connect(configuration: configuration, id: id, logger: quiet)
    }
}
