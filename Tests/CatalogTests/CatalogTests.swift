import Foundation
import GRDB
import Testing
import TestSupport
@testable import Catalog
import MailFormats
import MailSettings

@Suite struct CatalogBasics {
    @Test(arguments: Backend.available) func firstOpenMigratesAndSeedsEveryPreset(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        let entries = try catalog.entries()
        let presets = try Presets.load()
        #expect(presets.count == Presets.files.count)
        #expect(presets.count >= 20)
        #expect(entries.count == presets.count)
        #expect(entries.allSatisfy { $0.origin == .preset })
        switch backend {
        case .sqlite:
            let pool = try #require(catalog.pool)
            let applied = try pool.read { db in try Schema.sqliteMigrator.appliedIdentifiers(db) }
            #expect(applied == Set(Schema.migrations.map(\.identifier)))
            let journal = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(journal == "wal")
        case .postgres:
            let applied = try catalog.store.read { tx in try tx.strings("SELECT identifier FROM mailconf_migrations ORDER BY identifier") }
            #expect(applied == Schema.migrations.map(\.identifier).sorted())
        }
    }

    @Test(arguments: Backend.available) func reopeningDoesNotRewritePresets(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let newest = { (catalog: Catalog) throws -> Date in
            try catalog.store.read { tx in try #require(try tx.row("SELECT MAX(updated_at) AS newest FROM provider")).date("newest") }
        }
        let first = try place.open()
        let before = try newest(first)
        let generation = try first.generation()
        let second = try place.open()
        #expect(try second.updatePresets(onlyIfChanged: true) == PresetUpdate())
        #expect(try newest(second) == before)
        #expect(try second.generation() == generation)
    }

    @Test(arguments: Backend.available) func presetsRoundTripThroughTheDatabase(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        for (provider, _, _) in try Presets.load() {
            let stored = try #require(try catalog.entry(id: provider.id))
            #expect(stored.provider == provider)
        }
    }

    @Test(arguments: Backend.available) func domainLookupAndResolve(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        #expect(try catalog.providerIDs(forDomain: "GMAIL.com").contains("gmail"))
        #expect(try catalog.resolve("gmail").provider.id == "gmail")
        #expect(try catalog.resolve("alice@googlemail.com").provider.id == "gmail")
        do {
            _ = try catalog.resolve("gmial")
            Issue.record("resolved a typo")
        } catch {
            guard case .unknownProvider(_, let suggestions) = error else { Issue.record("wrong error \(error)"); return }
            #expect(suggestions.first == "gmail")
            #expect(error.description.contains("did you mean 'gmail'"))
        }
    }

    @Test(arguments: Backend.available) func searchRanksExactMatchesFirst(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        #expect(try catalog.search("sendgrid").first?.provider.id == "sendgrid")
        #expect(try catalog.search("outlook.com").first?.provider.id == "outlook-com")
        let ses = try catalog.search("ses")
        #expect(ses.contains { $0.provider.id == "amazon-ses-eu-west-1" })
        #expect(try catalog.search("no-such-thing-anywhere").isEmpty)
    }

    @Test(arguments: Backend.available) func readOnlyCatalogRefusesWritesAndMissingFiles(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        // Before any writer made the tables, a reader is refused and says what to run.
        do {
            _ = try place.open(readOnly: true)
            if backend == .postgres { Issue.record("a reader opened a database without the schema") }
        } catch let error as CatalogError {
            #expect(error.kind == "catalog-schema-missing" || (backend == .sqlite && error.kind == "cannot-open-catalog"), "\(error)")
            #expect(error.description.contains("mailconf catalog update --db \(place.location)") || backend == .sqlite, "\(error)")
        }
        _ = try place.open()
        let reader = try place.open(readOnly: true)
        #expect(try reader.entry(id: "gmail") != nil)
        #expect(throws: CatalogError.self) {
            try reader.addOrganisationDomain("example.org", providerID: "gmail")
        }
        #expect(try reader.organisationDomains().isEmpty)
        if backend == .sqlite {
            #expect(throws: CatalogError.self) { _ = try Catalog(path: place.dir.url.appendingPathComponent("absent.sqlite").path, readOnly: true) }
            #expect(!FileManager.default.fileExists(atPath: place.dir.url.appendingPathComponent("absent.sqlite").path))
        }
    }

    @Test func defaultPathFollowsXDG() {
        #expect(Catalog.defaultPath(environment: ["MAILCONF_DB": "/x/y.sqlite", "XDG_DATA_HOME": "/data"]) == "/x/y.sqlite")
        #expect(Catalog.defaultPath(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/a"]) == "/data/mailconf/catalog.sqlite")
        #expect(Catalog.defaultPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/a"])
                == "/home/a/.local/share/mailconf/catalog.sqlite")
        #expect(Catalog.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.local/share/mailconf/catalog.sqlite")
    }

    /// A catalog made before clientConfig 1.2 is migrated on open: its presets are stored
    /// again with what the model now holds (the OAuth2 endpoints), and the user's rows
    /// are left as they were.
    @Test func aCatalogFromBefore12IsMigratedAndItsPresetsStoredAgain() throws {
        let dir = TemporaryFolder()
        do {
            let pool = try DatabasePool(path: dir.dbPath)
            try Schema.sqliteMigrator.migrate(pool, upTo: "v2: verification history")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO provider(id, origin, display_name, kind, documentation, dns_records, extras, content_hash, updated_at)
                    VALUES ('gmail', 'preset', 'Gmail (old)', 'mailbox', '[]', '[]', '{}', 'whatever-it-was', '2026-01-01 00:00:00')
                    """)
                try db.execute(sql: """
                    INSERT INTO provider(id, origin, display_name, kind, documentation, dns_records, extras, content_hash, updated_at)
                    VALUES ('mine', 'user', 'Mine', 'relay', '[]', '[]', '{}', 'user-hash', '2026-01-01 00:00:00')
                    """)
                try db.execute(sql: "INSERT INTO server(provider_id, position, protocol, hostname, port, security, authentication, extras) VALUES ('mine', 0, 'smtp', 'smtp.mine.example', 465, 'tls', 'password-cleartext', '[]')")
                try db.execute(sql: "INSERT INTO catalog_meta(key, value) VALUES ('presets-fingerprint', ?)", arguments: [Presets.fingerprint])
            }
        }
        let catalog = try Catalog(path: dir.dbPath)
        let gmail = try #require(try catalog.entry(id: "gmail")).provider
        #expect(gmail.displayName != "Gmail (old)")
        #expect(gmail.oauth2?.authURL == "https://accounts.google.com/o/oauth2/auth")
        let mine = try #require(try catalog.entry(id: "mine"))
        #expect(mine.origin == .user && mine.provider.servers.first?.authentication == [.passwordCleartext])
        #expect(mine.provider.mxDomains.isEmpty && mine.provider.services.isEmpty && mine.provider.oauth2 == nil)
    }

    @Test func everyPresetIsConsistent() throws {
        for (p, source, _) in try Presets.load() {
            #expect(!p.domains.isEmpty, "\(source)")
            #expect(!p.outgoing.isEmpty, "\(source) has no outgoing server")
            switch p.kind {
            case .relay: #expect(p.incoming.isEmpty, "\(source): a relay with an incoming server")
            case .mailbox: #expect(!p.incoming.isEmpty, "\(source): a mailbox provider without incoming servers")
            }
            for s in p.servers {
                if s.protocol.isURLBased {
                    #expect(s.url?.hasPrefix("https://") == true, "\(source): \(s.summary)")
                } else {
                    #expect(s.hostname.map { !$0.isTemplate } ?? false, "\(source): \(s.summary)")
                }
            }
        }
    }
}

@Suite struct UserDataAndUpdates {
    /// Every preset that signs in with OAuth2 says where (clientConfig's <oAuth2>), with
    /// its source in Providers/SOURCES.md; and none carries a client secret.
    @Test func oauth2PresetsNameTheirEndpoints() throws {
        let presets = try Presets.load().map(\.provider)
        let sources = try String(contentsOf: repositoryRoot.appendingPathComponent("Providers/SOURCES.md"), encoding: .utf8)
        let withOAuth2 = presets.filter { p in p.servers.contains { $0.authentication.contains(.oauth2) } }
        #expect(Set(withOAuth2.map(\.id)).isSuperset(of: ["gmail", "google-workspace", "microsoft365", "outlook-com", "yahoo", "aol", "fastmail"]))
        for p in withOAuth2 {
            let o = try #require(p.oauth2, "\(p.id) offers OAuth2 but names no endpoints")
            #expect(o.authURL?.hasPrefix("https://") == true, "\(p.id)")
            #expect(o.tokenURL?.hasPrefix("https://") == true, "\(p.id)")
            #expect(o.issuer != nil && o.scope != nil, "\(p.id)")
            let heading = try #require(sources.range(of: "### \(p.id).xml"), "\(p.id) has no section in SOURCES.md")
            let rest = sources[heading.upperBound...]
            let section = rest[..<(rest.range(of: "\n### ")?.lowerBound ?? rest.endIndex)]
            #expect(section.contains("OAuth2 endpoints"), "\(p.id): SOURCES.md gives no source for its OAuth2 endpoints")
        }
        let fastmail = try #require(presets.first { $0.id == "fastmail" })
        #expect(fastmail.incoming.contains { $0.protocol == .jmap })
        #expect(Set(fastmail.services.map(\.type)) == ["caldav", "carddav"])
        #expect(try #require(presets.first { $0.id == "aol" }).mxDomains == ["mail.gm0.yahoodns.net"])
    }

    @Test(arguments: Backend.available) func userServersAndDomainsSurviveAPresetUpdate(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        let server = try ServerSetting(protocol: .smtp, description: "office relay", hostname: Hostname("relay.office.example"),
                                       port: 587, security: .starttls, authentication: [.passwordCleartext],
                                       username: UsernameTemplate("%EMAILLOCALPART%"))
        let id = try catalog.addServer(server, toProvider: "office", displayName: "Office relay")
        try catalog.addOrganisationDomain("example.org", providerID: "gmail")
        try catalog.addOrganisationDomain("office.example", providerID: "office")
        // A preset this build no longer ships, still used by a domain, and one nobody uses.
        var statements: [(String, [any SQLArgument])] = ["retired-used", "retired-unused"].map { retired in
            ("""
             INSERT INTO provider(id, origin, display_name, kind, content_hash, updated_at)
             VALUES (?, 'preset', ?, 'relay', 'x', CURRENT_TIMESTAMP)
             """, [retired, retired])
        }
        statements += [
            ("INSERT INTO org_domain(domain, provider_id, created_at) VALUES ('old.example', 'retired-used', CURRENT_TIMESTAMP)", []),
            // A damaged preset: servers gone, content changed.
            ("DELETE FROM server WHERE provider_id = 'gmail'", []),
            ("UPDATE provider SET content_hash = 'stale' WHERE id = 'gmail'", []),
        ]
        try place.raw(catalog, statements)
        let report = try catalog.updatePresets()
        #expect(report.updated == ["gmail"])
        #expect(report.removed == ["retired-unused"])
        #expect(report.kept == ["retired-used"])
        #expect(try catalog.entry(id: "gmail")?.provider.servers.isEmpty == false)
        let mine = try catalog.userServers()
        #expect(mine.map(\.id) == [id])
        #expect(mine.first?.server == server)
        #expect(try catalog.organisationDomains().map(\.domain) == ["example.org", "office.example", "old.example"])
        #expect(try catalog.resolve("alice@example.org").provider.id == "gmail")
    }

    @Test(arguments: Backend.available) func presetsAreReadOnlyAndUserServersEditable(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        let gmailServer = try #require(try catalog.entry(id: "gmail")?.serverIDs.first)
        #expect(throws: CatalogError.self) { _ = try catalog.editServer(id: gmailServer) { $0 } }
        #expect(throws: CatalogError.self) { try catalog.removeServer(id: gmailServer) }
        let s = try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.me.example"), port: 25, security: ConnectionSecurity.none,
                                  authentication: [.none])
        #expect(throws: CatalogError.self) { _ = try catalog.addServer(s, toProvider: "gmail") }
        let id = try catalog.addServer(s, toProvider: "mine")
        let second = try catalog.addServer(s, toProvider: "mine")
        let edited = try catalog.editServer(id: id) { old throws(ValidationError) in
            var new = old
            new.port = try Port(465)
            new.security = .tls
            return new
        }
        #expect(edited.port == 465)
        #expect(try catalog.userServers(providerID: "mine").map(\.server.port) == [465, 25])
        // An edit that breaks the setting is refused and changes nothing.
        #expect(throws: CatalogError.self) {
            _ = try catalog.editServer(id: id) { old in var new = old; new.authentication = []; return new }
        }
        #expect(try catalog.userServers(providerID: "mine").first?.server.authentication == [.none])
        try catalog.addOrganisationDomain("me.example", providerID: "mine")
        try catalog.removeServer(id: second)
        #expect(throws: CatalogError.self) { try catalog.removeServer(id: id) } // last server, domain still mapped
        try catalog.removeOrganisationDomain("me.example")
        try catalog.removeServer(id: id)
        #expect(try catalog.entry(id: "mine") == nil)
    }

    @Test(arguments: Backend.available) func verificationHistoryKeepsTheLatestPerSetting(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        try catalog.recordVerification(providerID: "gmail", setting: "smtp.gmail.com:465 SSL/TLS", ok: false, kind: "timeout",
                                       message: "no answer", at: t0)
        try catalog.recordVerification(providerID: "gmail", setting: "smtp.gmail.com:465 SSL/TLS", ok: true, kind: nil,
                                       message: "works", at: t0.addingTimeInterval(60))
        try catalog.recordVerification(providerID: "gmail", setting: "smtp.gmail.com:587 STARTTLS", ok: false,
                                       kind: "auth-rejected", message: "535", at: t0)
        let last = try catalog.lastVerifications(providerID: "gmail")
        #expect(last.count == 2)
        #expect(last["smtp.gmail.com:465 SSL/TLS"]?.ok == true)
        #expect(last["smtp.gmail.com:465 SSL/TLS"]?.checkedAt == t0.addingTimeInterval(60))
        #expect(last["smtp.gmail.com:587 STARTTLS"]?.kind == "auth-rejected")
        // History survives a preset refresh, and goes with a removed provider.
        try catalog.updatePresets()
        #expect(try catalog.lastVerifications(providerID: "gmail").count == 2)
        #expect(try catalog.lastVerifications(providerID: "sendgrid").isEmpty)
    }

    @Test(arguments: Backend.available) func organisationDomainRules(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        try catalog.addOrganisationDomain("Example.ORG", providerID: "google-workspace")
        #expect(try catalog.organisationDomains() == [OrganisationDomain(domain: "example.org", providerID: "google-workspace")])
        #expect(throws: CatalogError.self) { try catalog.addOrganisationDomain("example.org", providerID: "microsoft365") }
        #expect(throws: CatalogError.self) { try catalog.addOrganisationDomain("bad domain", providerID: "gmail") }
        #expect(throws: CatalogError.self) { try catalog.addOrganisationDomain("example.net", providerID: "nope") }
        #expect(throws: CatalogError.self) { try catalog.removeOrganisationDomain("example.net") }
    }

    /// Every change is written to the history with who made it and when, in the same
    /// transaction; a refused change leaves no entry.
    @Test(arguments: Backend.available) func changesAreRecordedWithWhoAndWhen(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        let before = Date()
        try Catalog.$actor.withValue("token:alice") {
            try catalog.addOrganisationDomain("Example.org", providerID: "fastmail")
        }
        try catalog.removeOrganisationDomain("example.org")
        #expect(throws: CatalogError.self) { try catalog.removeOrganisationDomain("example.org") }
        #expect(throws: CatalogError.self) { try catalog.addOrganisationDomain("example.net", providerID: "gmial") }
        let changes = try catalog.changes()
        #expect(changes.map(\.change) == ["removed domain example.org", "added domain example.org → fastmail",
                                          "refreshed the presets: \(Presets.files.count) added, 0 updated, 0 removed"])
        #expect(changes[0].actor.hasPrefix("cli:") && changes[1].actor == "token:alice")
        #expect(changes.allSatisfy { $0.at >= before.addingTimeInterval(-60) && $0.at <= Date().addingTimeInterval(1) })
        #expect(try catalog.changes(limit: 1).count == 1)
    }

    @Test func readerNeverBlocksWriter() async throws {
        let dir = TemporaryFolder()
        let writer = try Catalog(path: dir.dbPath)
        let reader = try Catalog(path: dir.dbPath, readOnly: true)
        let readStarted = DispatchSemaphore(value: 0)
        let writeDone = DispatchSemaphore(value: 0)
        let readerTask = Task.detached { () throws -> (Int, Int) in
            try #require(reader.pool).read { db in
                let before = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM org_domain") ?? -1
                readStarted.signal()
                // Hold the read transaction open until the writer has committed.
                let committed = writeDone.wait(timeout: .now() + 10) == .success
                let after = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM org_domain") ?? -1
                return (before, committed ? after : -99)
            }
        }
        readStarted.wait()
        try writer.addOrganisationDomain("example.org", providerID: "gmail")
        writeDone.signal()
        let (before, during) = try await readerTask.value
        #expect(before == 0)
        #expect(during == 0) // the reader's snapshot is stable
        #expect(try reader.organisationDomains().count == 1) // and a new read sees the write
    }
}
