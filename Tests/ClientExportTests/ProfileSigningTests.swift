import ClientExport
import Foundation
import MailSettings
import Testing
import TestSupport

/// Signed Apple profiles, checked by openssl's CMS verifier: the signature and chain
/// verify against the CA, and the content openssl takes out is the unsigned profile,
/// byte for byte.
@Suite(.needs(.openssl))
struct ProfileSigning {
    let pki: TestPKI
    // openssl runs off the cooperative pool: the async tests beside these need its threads.
    init() async throws { pki = try await TestPKI.shared() }

    func file(_ name: String) -> String { pki.dir.appendingPathComponent(name).path }

    func profile() throws -> String {
        let fastmail = try #require(presets.first { $0.id == "fastmail" })
        return try ExportFormat.mobileconfig.render(fastmail, address: EmailAddress("alice@fastmail.com"))
    }

    /// `openssl cms -verify`; the content it extracts, or nil when it refused.
    func verified(_ signed: [UInt8], caFile: String) async throws -> (content: Data?, stderr: String) {
        let folder = TemporaryFolder()
        let input = folder.url.appendingPathComponent("signed.mobileconfig"), output = folder.url.appendingPathComponent("content")
        try Data(signed).write(to: input)
        // -purpose any: Apple checks the chain, not S/MIME's key purposes (an https
        // certificate signs profiles too).
        let args = ["cms", "-verify", "-inform", "DER", "-in", input.path, "-CAfile", caFile, "-purpose", "any", "-out", output.path]
        let result = try await offThePool { try Tool.run("openssl", args) }
        return (result.status == 0 ? try Data(contentsOf: output) : nil, result.stderr)
    }

    @Test func aSignedProfileVerifiesAndHoldsTheUnsignedBytes() async throws {
        let signer = try ProfileSigner(chainFile: file("localhost.pem"), keyFile: file("localhost.key"))
        let unsigned = try profile()
        let signed = try signer.sign(Array(unsigned.utf8))
        #expect(signed.first == 0x30)  // DER: a SEQUENCE, not the XML
        let (content, stderr) = try await verified(signed, caFile: pki.caFile)
        #expect(content == Data(unsigned.utf8), "openssl: \(stderr)")
        #expect(signer.certificate.subject.description == "CN=localhost")
    }

    @Test func anotherCAsProfileDoesNotVerify() async throws {
        let other = try await offThePool { try TestPKI() }
        let signer = try ProfileSigner(chainFile: other.dir.appendingPathComponent("localhost.pem").path,
                                       keyFile: other.dir.appendingPathComponent("localhost.key").path)
        let (content, _) = try await verified(try signer.sign(Array(try profile().utf8)), caFile: pki.caFile)
        #expect(content == nil)
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefused() throws {
        do {
            _ = try ProfileSigner(chainFile: file("localhost.pem"), keyFile: file("other.key"))
            Issue.record("a mismatched key was taken")
        } catch {
            #expect(error.kind == .signingKeyMismatch)
            #expect(error.message.contains("other.key") && error.message.contains("localhost.pem"))
            #expect(error.message.contains("give the key that certificate was issued for"))
        }
    }

    /// The signing key is read only when no one but its owner may read it, as every key
    /// file mailconf reads is; the certificate may be shared.
    @Test func aSigningKeyOthersMayReadIsRefused() throws {
        let folder = TemporaryFolder()
        let shared = folder.url.appendingPathComponent("shared.key")
        try FileManager.default.copyItem(atPath: file("localhost.key"), toPath: shared.path)
        chmod(shared.path, 0o640)
        do {
            _ = try ProfileSigner(chainFile: file("localhost.pem"), keyFile: shared.path)
            Issue.record("took a key file its group may read")
        } catch {
            #expect(error.kind == .signingFileUnreadable)
            #expect(error.message.contains(shared.path) && error.message.contains("chmod 600"))
        }
        chmod(shared.path, 0o600)
        #expect(throws: Never.self) { _ = try ProfileSigner(chainFile: self.file("localhost.pem"), keyFile: shared.path) }
    }

    @Test func filesThatAreNotPEMAreNamed() throws {
        let folder = TemporaryFolder()
        let junk = try folder.write("junk.pem", "not a certificate\n").path
        do {
            _ = try ProfileSigner(chainFile: junk, keyFile: file("localhost.key"))
            Issue.record("took a file without a certificate")
        } catch {
            #expect(error.kind == .signingFileInvalid)
            #expect(error.message.contains(junk))
        }
        do {
            _ = try ProfileSigner(chainFile: file("localhost.pem"), keyFile: folder.url.appendingPathComponent("absent.key").path)
            Issue.record("took a key file that does not exist")
        } catch {
            #expect(error.kind == .signingFileUnreadable)
            #expect(error.message.contains("absent.key"))
        }
        // A key file's content is never repeated in an error.
        let key = try String(contentsOfFile: file("localhost.key"), encoding: .utf8)
        do {
            _ = try ProfileSigner(chainFile: file("localhost.key"), keyFile: file("localhost.key"))
            Issue.record("took a key as the certificate")
        } catch {
            #expect(!error.message.contains(key.split(separator: "\n")[1]))
        }
    }
}
