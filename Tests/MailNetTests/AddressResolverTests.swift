import MailNet
import NIOCore
import NIOConcurrencyHelpers
import Testing

/// One resolver protocol for every client: the system's, fixed addresses, and curl-like
/// overrides over either.
@Suite struct AddressResolvers {
    /// Records what it was asked, answers 192.0.2.1 for any name.
    final class Recording: AddressResolver, @unchecked Sendable {
        let asked = NIOLockedValueBox<[String]>([])
        func resolve(host: String, port: Int, timeout: Double) async throws(ResolveFailure) -> [SocketAddress] {
            asked.withLockedValue { $0.append("\(host):\(port)") }
            return [try! SocketAddress(ipAddress: "192.0.2.1", port: port)]
        }
    }

    @Test func overridesGoWhereTheySayAndTheRestToTheBase() async throws {
        let base = Recording()
        let resolver = OverridingResolver(base: base, overrides: [
            "autoconfig.example.test:443": ("127.0.0.1", 443),          // --resolve
            "mail.example.test:587": ("relay.internal.test", 2587),      // --connect-to
        ])
        #expect(try await resolver.resolve(host: "AutoConfig.Example.Test", port: 443, timeout: 1) == [try SocketAddress(ipAddress: "127.0.0.1", port: 443)])
        #expect(try await resolver.resolve(host: "mail.example.test", port: 587, timeout: 1) == [try SocketAddress(ipAddress: "192.0.2.1", port: 2587)])
        #expect(try await resolver.resolve(host: "other.example.test", port: 25, timeout: 1).first?.port == 25)
        #expect(base.asked.withLockedValue { $0 } == ["relay.internal.test:2587", "other.example.test:25"])
    }

    @Test func fixedAddressesAndLiteralsNeedNoLookUp() async throws {
        #expect(try await FixedAddresses(["127.0.0.1", "::1"]).resolve(host: "x.test", port: 25, timeout: 1).count == 2)
        await #expect(throws: ResolveFailure.self) { try await FixedAddresses(["not-an-ip"]).resolve(host: "x.test", port: 25, timeout: 1) }
        #expect(try await SystemResolver().resolve(host: "[::1]", port: 993, timeout: 1) == [try SocketAddress(ipAddress: "::1", port: 993)])
    }

    @Test func theSystemResolverReadsTheSystemsAnswer() async throws {
        let found = try await SystemResolver().resolve(host: "localhost", port: 25, timeout: 5)
        #expect(found.contains { $0.ipAddress == "127.0.0.1" || $0.ipAddress == "::1" }, "\(found)")
        await #expect(throws: ResolveFailure.self) {
            try await SystemResolver().resolve(host: "no-such-host.invalid", port: 25, timeout: 5)
        }
    }
}
