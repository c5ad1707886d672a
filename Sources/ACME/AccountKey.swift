import Crypto
import Foundation

/// The ACME account's key: ECDSA P-256, which signs every request as JWS ES256
/// (RFC 7518 §3.4: the signature is r and s, 32 bytes each).
public struct AccountKey: Sendable {
    public let key: P256.Signing.PrivateKey

    public init(_ key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) { self.key = key }

    /// The public key as a JWK (RFC 7517), members in the lexicographic order RFC 7638's
    /// thumbprint needs, without white space.
    var jwkJSON: String {
        let point = key.publicKey.x963Representation  // 0x04 ‖ x ‖ y
        let x = Base64URL.encode(point.dropFirst().prefix(32)), y = Base64URL.encode(point.suffix(32))
        return #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
    }

    /// RFC 7638 thumbprint (SHA-256, base64url), the second half of every key authorization.
    public var thumbprint: String { Base64URL.encode(SHA256.hash(data: Data(jwkJSON.utf8))) }

    /// A challenge's key authorization (RFC 8555 §8.1): token "." thumbprint.
    public func keyAuthorization(token: String) -> String { token + "." + thumbprint }

    /// A flattened JWS (RFC 7515 §7.2.2) over `payload` (nil: the empty payload of a
    /// POST-as-GET), with the account's URL as `kid`, or, before there is an account, the
    /// public key itself as `jwk`.
    func sign(payload: Data?, url: String, nonce: String, accountURL: String?) throws -> Data {
        let who = accountURL.map { #""kid":\#(jsonString($0))"# } ?? #""jwk":\#(jwkJSON)"#
        let protected = #"{"alg":"ES256",\#(who),"nonce":\#(jsonString(nonce)),"url":\#(jsonString(url))}"#
        let protected64 = Base64URL.encode(Data(protected.utf8))
        let payload64 = payload.map { Base64URL.encode($0) } ?? ""
        let signature = try key.signature(for: Data((protected64 + "." + payload64).utf8)).rawRepresentation
        return Data(#"{"protected":"\#(protected64)","payload":"\#(payload64)","signature":"\#(Base64URL.encode(signature))"}"#.utf8)
    }

    /// The key in PEM (PKCS#8), to store.
    public var pem: String { key.pemRepresentation }

    public init(pem: String) throws { key = try P256.Signing.PrivateKey(pemRepresentation: pem) }
}

/// A JSON string literal.
func jsonString(_ text: String) -> String {
    let data = try! JSONEncoder.acme.encode(text)
    return String(decoding: data, as: UTF8.self)
}

extension JSONEncoder {
    /// Compact, sorted, slashes left as they are.
    static var acme: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
