import Foundation

/// PLAIN (RFC 4616): `authzid NUL authcid NUL password` as the initial response.
public struct PlainMechanism: SASLMechanism {
    public let name = MechanismName.plain
    public let exposesPassword = true
    let authorizationIdentity: String
    let username: String
    let password: Secret

    public init(username: String, password: Secret, authorizationIdentity: String = "") {
        self.username = username
        self.password = password
        self.authorizationIdentity = authorizationIdentity
    }

    public mutating func start() throws(SASLError) -> [UInt8]? {
        try checkSASLText(authorizationIdentity, field: "authorization identity")
        try checkSASLText(username, field: "username")
        try checkSASLText(password.value, field: "password")
        return Array(authorizationIdentity.utf8) + [0] + Array(username.utf8) + [0] + Array(password.value.utf8)
    }

    public mutating func next(challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        throw .unexpectedChallenge(mechanism: name.text)
    }
}
