import Testing
import TestSupport
@testable import Catalog

/// The catalog tests run on each backend of `Backend.available`. Without the lab's
/// PostgreSQL they run on SQLite alone, and this test is the one the runner reports
/// skipped for it (the CI check fails the run instead).
@Suite struct PostgresBackend {
    @Test(.needs(.labPostgres)) func theLabPostgreSQLTakesACatalog() throws {
        let place = try TestCatalog(.postgres)
        let catalog = try place.open()
        #expect(try catalog.entries().count == (try Presets.load()).count)
    }
}
