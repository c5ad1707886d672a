import Foundation
import SwiftASN1
import X509

/// A certificate chain and its key, as stored and served: the leaf's names and validity
/// read from the chain itself.
public struct IssuedCertificate: Sendable {
    public let chainPEM: String
    public let keyPEM: String
    public let names: [String]
    public let notBefore: Date
    public let notAfter: Date
    public let serial: String
    /// When mailconf stored it (for a certificate read back, the file's time).
    public var obtained: Date

    /// - source: names the chain in errors (a file, or the CA's URL).
    public init(chainPEM: String, keyPEM: String, source: String, obtained: Date = Date()) throws(ACMEError) {
        let leaf: Certificate
        do {
            guard let first = try PEMDocument.parseMultiple(pemString: chainPEM).first else {
                throw ACMEError(.acmeBadReply, "\(source) holds no certificate")
            }
            leaf = try Certificate(pemDocument: first)
        } catch let error as ACMEError { throw error } catch {
            throw ACMEError(.acmeBadReply, "\(source) holds no readable certificate: \(error)")
        }
        // A chain for another key would be stored and then fail every handshake.
        guard let key = try? Certificate.PrivateKey(pemEncoded: keyPEM), key.publicKey == leaf.publicKey else {
            throw ACMEError(.acmeBadReply, "\(source) gave a certificate (\(leaf.subject)) that is not for the key mailconf made or stored for it")
        }
        self.chainPEM = chainPEM
        self.keyPEM = keyPEM
        self.obtained = obtained
        notBefore = leaf.notValidBefore
        notAfter = leaf.notValidAfter
        serial = leaf.serialNumber.description
        let san = (try? leaf.extensions.subjectAlternativeNames) ?? nil
        names = san?.compactMap { if case .dnsName(let n) = $0 { return n.lowercased() } else { return nil } } ?? []
    }

    /// When it is due for renewal: at two-thirds of its lifetime, or `renewAfter` after
    /// it was obtained when that comes first (a window tests can set).
    public func renewal(renewAfter: TimeInterval? = nil) -> Date {
        let twoThirds = notBefore + (notAfter.timeIntervalSince(notBefore)) * 2 / 3
        guard let renewAfter else { return twoThirds }
        return min(twoThirds, max(notBefore, obtained) + renewAfter)
    }

    public func covers(_ wanted: [String]) -> Bool { Set(wanted.map { $0.lowercased() }).isSubset(of: names) }
}
