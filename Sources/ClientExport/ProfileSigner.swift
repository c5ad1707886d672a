import Failures
import Foundation
import SwiftASN1
@_spi(CMS) import X509

/// Signs Apple configuration profiles: a CMS SignedData (RFC 5652) in DER, the profile
/// inside it (not detached), the signing certificate and its intermediates included,
/// and the signing time among the signed attributes. iOS and macOS show such a profile
/// as verified when the chain leads to a root they trust; an unsigned one is shown as
/// "Not Verified". Signed with swift-certificates' CMS support (its `@_spi(CMS)` API).
public struct ProfileSigner: Sendable {
    /// The certificate that signs, and the intermediates sent with it.
    public let certificate: Certificate
    public let intermediates: [Certificate]
    private let key: Certificate.PrivateKey

    /// - chainPEM: the signing certificate first, then its intermediates (as a server's
    ///   fullchain.pem holds them); `keyPEM`: its private key (PKCS#8, SEC1 or RSA).
    ///   `chainName` and `keyName` name them in errors (the files' paths).
    public init(chainPEM: String, keyPEM: String, chainName: String, keyName: String) throws(ExportError) {
        let chain: [Certificate]
        do { chain = try PEMDocument.parseMultiple(pemString: chainPEM).map { try Certificate(pemDocument: $0) } } catch {
            throw ExportError(.signingFileInvalid, "\(chainName) holds no readable certificate (\(error)): give the signing certificate in PEM, its intermediates after it")
        }
        guard let leaf = chain.first else {
            throw ExportError(.signingFileInvalid, "\(chainName) holds no certificate: give the signing certificate in PEM, its intermediates after it")
        }
        let key: Certificate.PrivateKey
        do { key = try Certificate.PrivateKey(pemEncoded: keyPEM) } catch {
            throw ExportError(.signingFileInvalid, "\(keyName) holds no readable private key (\(error)): give the key in PEM (PKCS#8, EC or RSA)")
        }
        guard key.publicKey == leaf.publicKey else {
            throw ExportError(.signingKeyMismatch, "the key in \(keyName) does not belong to the certificate in \(chainName) (\(leaf.subject)): give the key that certificate was issued for")
        }
        certificate = leaf
        intermediates = Array(chain.dropFirst())
        self.key = key
    }

    /// Reads the chain and the key from files (the key is never echoed in an error).
    public init(chainFile: String, keyFile: String) throws(ExportError) {
        try self.init(chainPEM: try Self.read(chainFile, what: "certificate file"),
                      keyPEM: try Self.read(keyFile, what: "key file", secret: true), chainName: chainFile, keyName: keyFile)
    }

    /// The signed profile: the unsigned profile's bytes, unchanged, inside the SignedData.
    public func sign(_ profile: [UInt8], at time: Date = Date()) throws(ExportError) -> [UInt8] {
        do {
            return try CMS.sign(profile, additionalIntermediateCertificates: intermediates, certificate: certificate,
                                privateKey: key, signingTime: time, detached: false)
        } catch {
            throw ExportError(.signingFailed, "cannot sign the profile with \(certificate.subject): \(error)")
        }
    }

    /// A certificate chain or a key: a few kilobytes, read bounded; the key (`secret`)
    /// only when no one but its owner may read it.
    private static func read(_ path: String, what: String, secret: Bool = false) throws(ExportError) -> String {
        let data: Data
        do { data = try BoundedFile.read(path, limit: 1 << 20, ownerOnly: secret) } catch {
            throw ExportError(.signingFileUnreadable, "the \(what) \(path) \(error)")
        }
        guard let text = String(data: data, encoding: .utf8), !text.isEmpty else {
            throw ExportError(.signingFileInvalid, "the \(what) \(path) is empty or not text: give a PEM file")
        }
        return text
    }
}

/// The kinds of failure signing a profile raises.
extension FailureKind {
    /// The certificate or key file cannot be opened.
    public static let signingFileUnreadable = FailureKind("signing-file-unreadable")
    /// The file holds no PEM certificate or key mailconf can read.
    public static let signingFileInvalid = FailureKind("signing-file-invalid")
    /// The key is not the certificate's.
    public static let signingKeyMismatch = FailureKind("signing-key-mismatch")
    /// The signature itself failed.
    public static let signingFailed = FailureKind("signing-failed")
}
