import Foundation

/// XOAUTH2 (Google and Microsoft): `user=… ^A auth=Bearer TOKEN ^A ^A` as the initial
/// response. On failure the server sends a JSON error as a challenge, which is
/// answered with an empty line so that it ends the exchange with its 5xx reply.
public struct XOAuth2Mechanism: SASLMechanism {
    public let name = MechanismName.xoauth2
    public let exposesPassword = false
    let username: String
    let token: Secret
    /// The server's JSON error challenge, when it sent one.
    public private(set) var errorChallenge: String?

    public init(username: String, token: Secret) {
        self.username = username
        self.token = token
    }

    public mutating func start() throws(SASLError) -> [UInt8]? {
        try checkSASLText(username, field: "username")
        try checkSASLText(token.value, field: "token")
        return Array("user=\(username)\u{1}auth=Bearer \(token.value)\u{1}\u{1}".utf8)
    }

    public mutating func next(challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        guard errorChallenge == nil else { throw .unexpectedChallenge(mechanism: name.text) }
        errorChallenge = String(decoding: challenge, as: UTF8.self)
        return []
    }
}
