import Catalog
import Foundation
import MailSettings
import Testing
@testable import UseCases

/// Server edits, domain mapping, recording a check and the provider JSON, on a
/// catalog of their own.
@Suite struct CatalogUseCaseTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("usecases-\(UUID().uuidString)")

    func catalog() throws -> Catalog {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try Catalog(path: folder.appendingPathComponent("catalog.sqlite").path)
    }

    @Test func serversAndDomainsGoThroughOnePlace() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let edits = ServerEdits(catalog: try catalog())
        let fields = ServerFieldText(hostname: "relay.office.example", port: "587", security: "starttls",
                                     authentication: ["password-cleartext"], username: "%EMAILADDRESS%")
        let added = try edits.add(try ServerPatch(parsing: fields).newServer(), toProvider: "Office")
        #expect(added.providerID == "office")
        let edited = try edits.edit(id: added.id, try ServerPatch(parsing: ServerFieldText(port: "465", security: "tls")))
        #expect(edited.server.port == 465 && edited.server.username?.text == "%EMAILADDRESS%")

        let domains = DomainMapping(catalog: edits.catalog)
        let mapped = try domains.add("Office.example", provider: "office")
        #expect(mapped.domain == "office.example" && mapped.providerID == "office")
        #expect(try domains.map("office.example", provider: "fastmail").providerID == "fastmail")
        #expect(try domains.remove("OFFICE.example") == "office.example")
        #expect(throws: CatalogError.self) { try domains.remove("office.example") }
        try edits.remove(id: added.id)
        #expect(try edits.catalog.userServers().isEmpty)
    }

    @Test func aRecordedCheckShowsInTheProvidersJSON() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let cat = try catalog()
        let entry = try #require(try cat.entry(id: "fastmail"))
        let setting = try #require(entry.provider.servers.first)
        try cat.recordVerification(providerID: "fastmail", setting: setting.summary, ok: true, kind: nil, message: "works",
                                   at: Date(timeIntervalSince1970: 1_800_000_000))
        let json = ProviderJSON(entry, verifications: try cat.lastVerifications(providerID: "fastmail"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(json)) as? [String: Any])
        #expect(object["display_name"] as? String == entry.provider.displayName)
        let first = try #require((object["servers"] as? [[String: Any]])?.first)
        #expect(first["authentication_choices"] is [String])
        #expect((first["last_verified"] as? [String: Any])?["checked_at"] as? String == "2027-01-15T08:00:00Z")
        // The same keys whatever the encoder's key strategy (the CLI converts to snake_case).
        encoder.keyEncodingStrategy = .convertToSnakeCase
        #expect(try JSONSerialization.jsonObject(with: encoder.encode(json)) as? NSDictionary == object as NSDictionary)
        #expect(ProviderJSON(entry, withServers: false).servers == nil)
    }
}
