import Foundation
import Testing
import TestSupport

/// `export mobileconfig --sign-cert --sign-key` and `serve --sign-profiles`, as a user
/// runs them, each profile checked by `openssl cms -verify` against the CA.
@Suite(.serialized, .needs(.openssl, .curl))
struct SignedProfiles {
    let pki: TestPKI
    // The CA's keys are made off the cooperative pool: openssl takes a while, and async
    // tests beside these need the pool's two threads for their deadlines.
    init() async throws { pki = try await TestPKI.shared() }

    func file(_ name: String) -> String { pki.dir.appendingPathComponent(name).path }

    /// The content `openssl cms -verify` takes out of `signed`, or nil when it refuses it.
    func verifiedContent(of signed: URL) async throws -> Data? {
        let content = signed.appendingPathExtension("content")
        let args = ["cms", "-verify", "-inform", "DER", "-in", signed.path, "-CAfile", pki.caFile, "-purpose", "any", "-out", content.path]
        let result = try await offThePool { try Tool.run("openssl", args) }
        return result.status == 0 ? try Data(contentsOf: content) : nil
    }

    @Test func exportWritesAProfileThatVerifiesAndHoldsTheUnsignedOne() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let unsigned = try await cli.run(["export", "mobileconfig", "alice@fastmail.com"])
        #expect(unsigned.status == 0, "\(unsigned.err)")
        let out = cli.dir.appendingPathComponent("alice.mobileconfig")
        let signed = try await cli.run(["export", "mobileconfig", "alice@fastmail.com", "--sign-cert", file("localhost.pem"),
                                  "--sign-key", file("localhost.key"), "-o", out.path])
        #expect(signed.status == 0, "\(signed.err)")
        #expect(try await verifiedContent(of: out) == Data(unsigned.out.utf8))
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefusedAndNothingIsWritten() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let out = cli.dir.appendingPathComponent("bob.mobileconfig")
        let r = try await cli.run(["export", "mobileconfig", "bob@fastmail.com", "--sign-cert", file("localhost.pem"),
                             "--sign-key", file("other.key"), "-o", out.path])
        #expect(r.status == 1)
        #expect(r.err.contains("does not belong to the certificate"), "\(r.err)")
        #expect(r.err.contains("other.key"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func signingOptionsAreCheckedAsUsage() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let half = try await cli.run(["export", "mobileconfig", "bob@fastmail.com", "--sign-cert", file("localhost.pem")])
        #expect(half.status == 2)
        #expect(half.err.contains("--sign-cert and --sign-key together"))
        let wrongFormat = try await cli.run(["export", "thunderbird", "fastmail", "--sign-cert", file("localhost.pem"),
                                       "--sign-key", file("localhost.key")])
        #expect(wrongFormat.status == 2)
        #expect(wrongFormat.err.contains("mobileconfig"))
        let noCertificate = try await cli.run(["serve", "--sign-profiles"])
        #expect(noCertificate.status == 2)
        #expect(noCertificate.err.contains("--sign-profiles needs a certificate"))
    }

    @Test func serveSignsTheProfilesItServes() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try await cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let unsigned = try await cli.run(["export", "mobileconfig", "carol@example.org"])
        #expect(unsigned.status == 0, "\(unsigned.err)")
        let server = try await ServeProcess.start(cli, arguments: ["--sign-profiles", "--sign-cert", file("localhost.pem"),
                                                       "--sign-key", file("localhost.key")])
        let fetched = cli.dir.appendingPathComponent("served.mobileconfig")
        let url = "http://127.0.0.1:\(server.port)/email.mobileconfig?emailaddress=carol@example.org"
        let curl = try await offThePool { try Tool.run("curl", ["-sf", "-o", fetched.path, url]) }
        #expect(curl.status == 0, "\(curl.stderr) \(server.log)")
        #expect(try await verifiedContent(of: fetched) == Data(unsigned.out.utf8))
        #expect(server.log.contains("signing Apple profiles as CN=localhost"))
        server.signal(SIGTERM)
        #expect(try await offThePool { server.exitStatus(within: 15) } == 0)
    }
}
