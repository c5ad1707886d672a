import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import AdminService
import UseCases

/// The admin API's provider is the command line's (docs/json.md): the same keys, the
/// same values, whatever each side's encoder does with keys.
@Suite struct ProviderJSONShape {
    @Test func theAPIGivesTheCLIsShape() async throws {
        let f = try AdminAPIOverACatalog.Fixture()
        try await f.app().test(.router) { client in
            let one = try await client.execute(uri: "/providers/fastmail", method: .get, headers: AdminAPIOverACatalog.auth())
            let served = try #require(try JSONSerialization.jsonObject(with: Data(one.body.readableBytesView)) as? NSDictionary)
            let entry = try #require(try f.catalog.entry(id: "fastmail"))
            // As `providers show --json` encodes it: keys converted to snake_case.
            let cli = JSONEncoder()
            cli.keyEncodingStrategy = .convertToSnakeCase
            let expected = try JSONSerialization.jsonObject(with: cli.encode(ProviderJSON(entry))) as? NSDictionary
            #expect(served == expected)
            #expect(served["display_name"] as? String == entry.provider.displayName && served["name"] == nil)
            let server = try #require((served["servers"] as? [NSDictionary])?.first)
            #expect(server["authentication_choices"] is [String] && server["role"] is String)
        }
    }
}
