import Crypto
import Foundation
import Testing
@testable import ACME

/// The requests' signatures: ES256 over `protected.payload`, r ‖ s, and the JWK or the
/// account URL in the protected header (RFC 8555 §6.2).
@Suite struct SigningRequests {
    func decode64URL(_ text: String) -> Data? {
        var b = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        return Data(base64Encoded: b)
    }

    func parts(_ jws: Data) throws -> (protected: [String: Any], protected64: String, payload64: String, signature: Data) {
        let object = try #require(try JSONSerialization.jsonObject(with: jws) as? [String: String])
        let protected64 = try #require(object["protected"]), payload64 = try #require(object["payload"])
        let protectedJSON = try #require(decode64URL(protected64))
        let header = try #require(try JSONSerialization.jsonObject(with: protectedJSON) as? [String: Any])
        let signature64 = try #require(object["signature"])
        return (header, protected64, payload64, try #require(decode64URL(signature64)))
    }

    @Test func aNewAccountRequestCarriesTheKeyAndVerifies() throws {
        let key = AccountKey()
        let jws = try key.sign(payload: Data(#"{"termsOfServiceAgreed":true}"#.utf8), url: "https://ca.test/new-acct",
                               nonce: "n0nce", accountURL: nil)
        let (header, protected64, payload64, signature) = try parts(jws)
        #expect(header["alg"] as? String == "ES256")
        #expect(header["nonce"] as? String == "n0nce")
        #expect(header["url"] as? String == "https://ca.test/new-acct")
        #expect(header["kid"] == nil)
        let jwk = try #require(header["jwk"] as? [String: String])
        #expect(jwk["kty"] == "EC" && jwk["crv"] == "P-256")
        // The JWK's point is the key's public key.
        let x = try #require(decode64URL(jwk["x"] ?? "")), y = try #require(decode64URL(jwk["y"] ?? ""))
        let point = Data([4]) + x + y
        #expect(point == key.key.publicKey.x963Representation)
        #expect(signature.count == 64)
        let signed = try P256.Signing.ECDSASignature(rawRepresentation: signature)
        #expect(key.key.publicKey.isValidSignature(signed, for: Data((protected64 + "." + payload64).utf8)))
        #expect(decode64URL(payload64) == Data(#"{"termsOfServiceAgreed":true}"#.utf8))
    }

    @Test func laterRequestsNameTheAccountAndPostAsGetHasAnEmptyPayload() throws {
        let key = AccountKey()
        let jws = try key.sign(payload: nil, url: "https://ca.test/order/1", nonce: "x", accountURL: "https://ca.test/acct/7")
        let (header, _, payload64, _) = try parts(jws)
        #expect(header["kid"] as? String == "https://ca.test/acct/7")
        #expect(header["jwk"] == nil)
        #expect(payload64 == "")
    }

    @Test func theThumbprintIsRFC7638sOverTheCanonicalJWK() throws {
        let key = AccountKey()
        let point = key.key.publicKey.x963Representation
        let x = Base64URL.encode(point.dropFirst().prefix(32)), y = Base64URL.encode(point.suffix(32))
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        #expect(key.thumbprint == Base64URL.encode(SHA256.hash(data: Data(canonical.utf8))))
        #expect(!key.thumbprint.contains("=") && !key.thumbprint.contains("+") && !key.thumbprint.contains("/"))
        #expect(key.keyAuthorization(token: "tok_en-1") == "tok_en-1." + key.thumbprint)
        // Stored and read back, it is the same key.
        #expect(try AccountKey(pem: key.pem).thumbprint == key.thumbprint)
    }

    @Test func tokensThatCouldEscapeAPathAreNotTaken() {
        #expect(ACMEClient.isToken("NX6UYhUlRcFYUEcN1zuMFvvE1ekuTGP6fC5ZN8pOwgY"))
        for bad in ["", "../../etc/passwd", "a/b", "a b", "a\r\nb", "tok=", String(repeating: "a", count: 300)] {
            #expect(!ACMEClient.isToken(bad), "\(bad)")
        }
    }
}
