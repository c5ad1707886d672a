import Foundation

/// LOGIN (draft-murchison-sasl-login): the username, then the password, each answering a prompt.
public struct LoginMechanism: SASLMechanism {
    public let name = MechanismName.login
    public let exposesPassword = true
    let username: String
    let password: Secret
    private var step = 0

    public init(username: String, password: Secret) {
        self.username = username
        self.password = password
    }

    public mutating func start() throws(SASLError) -> [UInt8]? {
        try checkSASLText(username, field: "username")
        try checkSASLText(password.value, field: "password")
        return nil
    }

    public mutating func next(challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        step += 1
        switch step {
        case 1: return Array(username.utf8)
        case 2: return Array(password.value.utf8)
        default: throw .unexpectedChallenge(mechanism: name.text)
        }
    }
}
