import ArgumentParser
import Catalog
import Foundation
import PostgresCatalog

struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The catalog: a SQLite file, or a PostgreSQL database shared by many machines.",
        discussion: """
        A path names a SQLite file (the default, which needs no set-up): $MAILCONF_DB, else \
        $XDG_DATA_HOME/mailconf/catalog.sqlite, else ~/.local/share/mailconf/catalog.sqlite. \
        Created and filled with the built-in presets on first use.

        postgres://USER@HOST:PORT/DB?sslmode=MODE names a PostgreSQL database (or set \
        MAILCONF_DB to it). Its tables are created and migrated by any command that writes; \
        'serve' only reads. The password never goes in the URL: it comes from \
        --db-password-file, else PGPASSWORD, else the password file (PGPASSFILE, else \
        ~/.pgpass, mode 0600). sslmode: disable, prefer (the default, as libpq's), require, \
        or verify-full (the certificate checked against --db-ca-file, else the system's CAs, \
        and the host name).
        """,
        valueName: "path-or-url"))
    var db: String?

    @Option(name: .customLong("db-password-file"), help: ArgumentHelp(
        "A file (mode 0600) whose first line is the PostgreSQL password.", valueName: "file"))
    var dbPasswordFile: String?

    @Option(name: .customLong("db-ca-file"), help: ArgumentHelp(
        "PEM CAs that sign the PostgreSQL server's certificate (with sslmode=verify-full).", valueName: "file"))
    var dbCAFile: String?

    /// --db, else MAILCONF_DB, else the default SQLite file.
    var location: String { db ?? Catalog.defaultPath() }

    var isPostgres: Bool { PostgresURL.isPostgres(location) }

    func validate() throws {
        if !isPostgres && (dbPasswordFile != nil || dbCAFile != nil) {
            throw ValidationError("--db-password-file and --db-ca-file are for a PostgreSQL catalog (--db postgres://…)")
        }
    }

    /// Opens the catalog: a writer migrates it and seeds the presets; a reader
    /// (`readOnly`, for serve) checks that its schema is this binary's.
    func open(readOnly: Bool = false, refreshPresets: Bool = true) throws -> Catalog {
        try attempt {
            try Catalog(store: try store(readOnly: readOnly), refreshPresets: refreshPresets)
        }
    }

    func store(readOnly: Bool) throws(CatalogError) -> any CatalogStore {
        let location = location
        guard PostgresURL.isPostgres(location) else { return try SQLiteStore(path: location, readOnly: readOnly) }
        let url = try PostgresURL(location)
        let password = try PostgresCredentials.password(for: url, passwordFile: dbPasswordFile)
        return try PostgresStore(url: url, password: password, caFile: dbCAFile, readOnly: readOnly)
    }
}

struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of text for people.")
    var json = false
}
