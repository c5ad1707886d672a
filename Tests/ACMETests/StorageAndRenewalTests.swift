import Foundation
import Testing
import TestSupport
@testable import ACME

/// What is kept on disk (mode 0600, folder 0700, one folder per CA), and when a
/// certificate is due.
@Suite struct KeepingCertificates {
    let folder = TemporaryFolder()

    func mode(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1 }

    /// A certificate for these names, self-signed here (the challenge certificate will do).
    func certificate(_ name: String) throws -> IssuedCertificate {
        let made = try ALPNChallengeCertificate(for: PendingChallenge(kind: .tlsALPN01, name: name, token: "t", keyAuthorization: "t.x"))
        let pem = "-----BEGIN CERTIFICATE-----\n" + Data(made.certificateDER).base64EncodedString(options: .lineLength64Characters)
            + "\n-----END CERTIFICATE-----\n"
        return try IssuedCertificate(chainPEM: pem, keyPEM: made.keyPEM, source: "test")
    }

    @Test func theAccountKeyIsMadeOnceAndEveryFileIsPrivate() throws {
        let dir = CertificateStore.folder(base: folder.url.path, directoryURL: "https://acme-v02.api.letsencrypt.org/directory")
        #expect(dir.hasSuffix("/acme-v02.api.letsencrypt.org_directory"))
        #expect(CertificateStore.folder(base: "/b", directoryURL: "https://127.0.0.1:14000/dir") == "/b/127.0.0.1_14000_dir")
        let store = try CertificateStore(folder: dir)
        #expect(mode(dir) == 0o700)
        let key = try store.accountKey()
        #expect(try store.accountKey().thumbprint == key.thumbprint, "read back, not made again")
        try store.saveAccountURL("https://ca.test/acct/1")
        #expect(try store.accountURL() == "https://ca.test/acct/1")
        let cert = try certificate("autoconfig.example.org")
        try store.save(cert, for: "example.org")
        for file in ["account.key", "account.url", "example.org.key", "example.org.crt"] {
            #expect(mode(dir + "/" + file) == 0o600, "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/example.org.crt.new"), "no temporary file left")
        let back = try #require(try store.certificate(for: "example.org"))
        #expect(back.serial == cert.serial && back.names == ["autoconfig.example.org"])
        #expect(try store.certificate(for: "other.org") == nil)
    }

    @Test func aDamagedAccountKeyIsNamedNotReplaced() throws {
        let store = try CertificateStore(folder: folder.url.appendingPathComponent("ca").path)
        try "not a key".write(toFile: store.folder + "/account.key", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: store.folder + "/account.key")
        #expect {
            _ = try store.accountKey()
        } throws: { error in
            let e = error as? ACMEError
            return e?.kind == .acmeStorage && (e?.description.contains(store.folder + "/account.key") ?? false)
        }
        #expect(try String(contentsOfFile: store.folder + "/account.key", encoding: .utf8) == "not a key")
    }

    /// A key someone made readable to others is refused, named with the fix; a chain
    /// shared with chmod 644 is still read.
    @Test func aKeyOthersMayReadIsRefusedAChainIsNot() throws {
        let store = try CertificateStore(folder: folder.url.appendingPathComponent("shared").path)
        _ = try store.accountKey()
        try store.save(try certificate("autoconfig.example.org"), for: "example.org")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store.folder + "/example.org.crt")
        #expect(try store.certificate(for: "example.org") != nil)
        for (file, read) in [("account.key", { _ = try store.accountKey() }),
                             ("example.org.key", { _ = try store.certificate(for: "example.org") })] as [(String, () throws -> Void)] {
            let path = store.folder + "/" + file
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            #expect {
                try read()
            } throws: { error in
                let text = (error as? ACMEError)?.description ?? ""
                return (error as? ACMEError)?.kind == .acmeStorage && text.contains(path) && text.contains("chmod 600")
            }
            #expect(mode(path) == 0o640, "left as it was, not replaced")
        }
    }

    @Test func renewalComesAtTwoThirdsOfTheLifetimeOrTheWindowGiven() throws {
        var cert = try certificate("autoconfig.example.org")
        let life = cert.notAfter.timeIntervalSince(cert.notBefore)
        #expect(abs(cert.renewal().timeIntervalSince(cert.notBefore) - life * 2 / 3) < 1)
        cert.obtained = cert.notBefore + 7200
        #expect(cert.renewal(renewAfter: 60) == cert.notBefore + 7260, "the window counts from when it was obtained")
        #expect(cert.renewal(renewAfter: 1e9) == cert.renewal(), "never later than two-thirds")
        #expect(cert.covers(["AUTOCONFIG.example.org"]))
        #expect(!cert.covers(["autoconfig.example.org", "autodiscover.example.org"]))
    }

    @Test func problemsReadWithTheirTypeDetailAndSubproblems() throws {
        let json = #"{"type":"urn:ietf:params:acme:error:rejectedIdentifier","detail":"Error creating new order","status":400,"subproblems":[{"type":"urn:ietf:params:acme:error:malformed","detail":"bad name","identifier":{"type":"dns","value":"x_y.test"}}]}"#
        let problem = try JSONDecoder().decode(ACMEProblem.self, from: Data(json.utf8))
        #expect(problem.shortType == "rejectedIdentifier")
        #expect(problem.description == "urn:ietf:params:acme:error:rejectedIdentifier: Error creating new order; x_y.test: urn:ietf:params:acme:error:malformed: bad name")
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(ACMEClient.retryAfter("120", now: now) == now + 120)
        #expect(ACMEClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == Date(timeIntervalSince1970: 1_445_412_480))
        #expect(ACMEClient.retryAfter("soon") == nil)
    }
}

extension KeepingCertificates {
    @Test func aChainForAnotherKeyIsRefusedBeforeItIsStored() throws {
        let one = try certificate("autoconfig.example.org")
        let other = try certificate("autoconfig.example.org")
        #expect {
            _ = try IssuedCertificate(chainPEM: one.chainPEM, keyPEM: other.keyPEM, source: "https://ca.test/cert/1")
        } throws: { error in
            let e = error as? ACMEError
            return e?.kind == .acmeBadReply && (e?.description.contains("https://ca.test/cert/1") ?? false)
        }
    }
}
