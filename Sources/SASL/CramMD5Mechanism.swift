import Crypto
import Foundation

/// CRAM-MD5 (RFC 2195): `username SP hex(HMAC-MD5(password, challenge))`. The
/// password never crosses the wire, but the username does, and the scheme is weak
/// against an eavesdropper; prefer TLS.
public struct CramMD5Mechanism: SASLMechanism {
    public let name = MechanismName.cramMD5
    public let exposesPassword = false
    let username: String
    let password: Secret
    private var answered = false

    public init(username: String, password: Secret) {
        self.username = username
        self.password = password
    }

    public mutating func start() throws(SASLError) -> [UInt8]? {
        try checkSASLText(username, field: "username")
        return nil
    }

    public mutating func next(challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        guard !answered else { throw .unexpectedChallenge(mechanism: name.text) }
        answered = true
        let mac = HMAC<Insecure.MD5>.authenticationCode(for: challenge, using: SymmetricKey(data: Array(password.value.utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return Array("\(username) \(hex)".utf8)
    }
}
