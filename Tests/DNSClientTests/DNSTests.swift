import Failures
import Foundation
import MailNet
import Testing
import TestSupport
@testable import DNSClient

let lab = LabServers.current
func labDNS() throws -> DNSResolver {
    let l = try #require(lab)
    return DNSResolver(server: "127.0.0.1", port: UInt16(l.port(.dns)), timeout: 3)
}

/// The resolver against a real DNS server (dnsmasq, started with the lab).
@Suite(.needs(.lab))
struct DNSAgainstDnsmasq {
    @Test func mxSrvTxtAndAddresses() async throws {
        let dns = try labDNS()
        #expect(try await dns.mx("disco.test") == [MXRecord(preference: 10, exchange: "mail.mailconf.test")])
        let l = try #require(lab)
        let submissions = try await dns.srv("_submissions._tcp.disco.test")
        #expect(submissions == [SRVRecord(priority: 0, weight: 10, port: UInt16(l.port(.smtps)), target: "mail.mailconf.test")])
        // A target of "." says the service is not offered.
        let imaps = try await dns.srv("_imaps._tcp.disco.test")
        #expect(imaps.count == 1 && imaps[0].isNotOffered)
        #expect(try await dns.txt("disco.test") == ["v=spf1 ip4:127.0.0.1 -all"])
        #expect(try await dns.addresses("mail.mailconf.test") == ["127.0.0.1"])
        await #expect { try await dns.srv("_imap._tcp.disco.test") } throws: { ($0 as? DNSError)?.kind == .dnsNoSuchName }
    }

    /// As every client's address resolver: the names the chosen nameserver knows, which
    /// the system's resolver does not.
    @Test func asAnAddressResolverItConnectsByTheChosenNameserver() async throws {
        let dns = try labDNS()
        let found = try await dns.resolve(host: "mail.mailconf.test", port: 587, timeout: 3)
        #expect(found.map { "\($0.ipAddress ?? ""):\($0.port ?? 0)" } == ["127.0.0.1:587"])
        do {
            _ = try await dns.resolve(host: "nowhere.test", port: 25, timeout: 3)
            Issue.record("an address for nowhere.test")
        } catch {
            #expect(error.kind == "dns-failure" && error.description.contains("nowhere.test"), "\(error)")
        }
    }

    @Test func failuresHaveKinds() async throws {
        let dns = try labDNS()
        await #expect { try await dns.mx("nothing-here.invalid") } throws: { ($0 as? DNSError)?.kind != nil }
        // Nobody listens here: the query fails quickly or at its deadline, with a kind.
        let silent = DNSResolver(server: "127.0.0.1", port: 9, timeout: 0.5)
        await #expect { try await silent.mx("disco.test") } throws: { error in
            let kind = (error as? DNSError)?.kind
            return kind == .dnsNetwork || kind == .dnsTimeout
        }
        #expect(throws: DNSError.self) { try DNSResolver(parsing: "dns.example:53") }
        #expect(try DNSResolver(parsing: "[::1]:5353").port == 5353)
        #expect(try DNSResolver(parsing: "10.0.0.53").port == 53)
    }
}

/// Answers are untrusted: malformed ones are refused, never trusted or looped on.
struct DNSWireFormat {
    @Test func queriesAreWellFormed() throws {
        let q = try DNSWire.query(id: 0xBEEF, name: "_imaps._tcp.example.org", type: .srv)
        #expect(Array(q.prefix(2)) == [0xBE, 0xEF])
        #expect(q.contains(6) && q.count > 30)
        #expect(throws: DNSError.self) { try DNSWire.query(id: 1, name: "bad label.example", type: .a) }
        #expect(throws: DNSError.self) { try DNSWire.query(id: 1, name: String(repeating: "a.", count: 130) + "org", type: .a) }
    }

    @Test func malformedAnswersAreRefused() {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0]
        // An answer whose name points at itself.
        let loop = header + [0xC0, 12] + [0, 15, 0, 1, 0, 0, 0, 0, 0, 4, 0, 10, 0xC0, 12]
        #expect(throws: (any Error).self) { try DNSWire.parse(loop) }
        // Cut short.
        #expect(throws: (any Error).self) { try DNSWire.parse(Array(header.prefix(7))) }
        // A record length that runs past the end.
        let long = header + [0] + [0, 1, 0, 1, 0, 0, 0, 0, 0, 200, 1, 2, 3, 4]
        #expect(throws: (any Error).self) { try DNSWire.parse(long) }
    }
}
