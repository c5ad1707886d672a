import Crypto
import Failures
import Foundation

/// A SASL mechanism as an SMTP client runs it (RFC 4954): an optional initial
/// response sent with AUTH, then one answer per server challenge. Challenges and
/// answers are raw bytes; the session does the base64.
public protocol SASLMechanism: Sendable {
    /// The name in AUTH and in the EHLO list, such as `PLAIN`.
    var name: String { get }
    /// True when the password crosses the connection in a form anyone reading it can
    /// use (PLAIN, LOGIN); such a mechanism needs TLS unless the caller allows otherwise.
    var exposesPassword: Bool { get }
    /// The initial response, or nil to wait for the first challenge.
    mutating func start() throws(SASLError) -> [UInt8]?
    /// The answer to one challenge.
    mutating func next(challenge: [UInt8]) throws(SASLError) -> [UInt8]
}

public enum SASLError: MailconfError, Equatable {
    case unexpectedChallenge(mechanism: String)
    case invalidCharacter(field: String)
    /// A mechanism implemented outside this module (GSSAPI) failed on the client side, with
    /// its own stable kind (`kerberos-clock-skew`, …) and a sentence that says what to do.
    case mechanismFailed(mechanism: String, kind: FailureKind, message: String)
    /// A mechanism name that no password or token mechanism here has.
    case unknownMechanism(String)

    /// The stable kind for `--json`.
    public var kind: FailureKind {
        switch self {
        case .mechanismFailed(_, let kind, _): return kind
        case .unknownMechanism: return .invalidInput
        default: return .saslError
        }
    }

    public var description: String {
        switch self {
        case .unexpectedChallenge(let m): return "the server sent an unexpected \(m) challenge"
        case .invalidCharacter(let field): return "the \(field) contains a NUL, CR or LF, which SASL cannot carry"
        case .mechanismFailed(_, _, let message): return message
        case .unknownMechanism(let name): return "unknown mechanism \(name): plain, login, cram-md5 or xoauth2"
        }
    }
}

private func checkSASLText(_ text: String, field: String) throws(SASLError) {
    if text.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) { throw .invalidCharacter(field: field) }
}

/// PLAIN (RFC 4616): `authzid NUL authcid NUL password` as the initial response.
public struct PlainMechanism: SASLMechanism {
    public let name = "PLAIN"
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
        throw .unexpectedChallenge(mechanism: name)
    }
}

/// LOGIN (draft-murchison-sasl-login): the username, then the password, each answering a prompt.
public struct LoginMechanism: SASLMechanism {
    public let name = "LOGIN"
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
        default: throw .unexpectedChallenge(mechanism: name)
        }
    }
}

/// CRAM-MD5 (RFC 2195): `username SP hex(HMAC-MD5(password, challenge))`. The
/// password never crosses the wire, but the username does, and the scheme is weak
/// against an eavesdropper; prefer TLS.
public struct CramMD5Mechanism: SASLMechanism {
    public let name = "CRAM-MD5"
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
        guard !answered else { throw .unexpectedChallenge(mechanism: name) }
        answered = true
        let mac = HMAC<Insecure.MD5>.authenticationCode(for: challenge, using: SymmetricKey(data: Array(password.value.utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return Array("\(username) \(hex)".utf8)
    }
}

/// XOAUTH2 (Google and Microsoft): `user=… ^A auth=Bearer TOKEN ^A ^A` as the initial
/// response. On failure the server sends a JSON error as a challenge, which is
/// answered with an empty line so that it ends the exchange with its 5xx reply.
public struct XOAuth2Mechanism: SASLMechanism {
    public let name = "XOAUTH2"
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
        guard errorChallenge == nil else { throw .unexpectedChallenge(mechanism: name) }
        errorChallenge = String(decoding: challenge, as: UTF8.self)
        return []
    }
}

/// Mechanisms mailconf can run, strongest first, for choosing among what a server offers.
/// The password and token mechanisms by name: the one place a name becomes a mechanism.
public enum SASLMechanisms {
    /// PLAIN, LOGIN, CRAM-MD5 (a password) or XOAUTH2 (an access token), any letter case;
    /// nil for any other name.
    public static func make(_ name: String, username: String, secret: Secret) -> (any SASLMechanism)? {
        switch name.uppercased() {
        case "PLAIN": return PlainMechanism(username: username, password: secret)
        case "LOGIN": return LoginMechanism(username: username, password: secret)
        case "CRAM-MD5": return CramMD5Mechanism(username: username, password: secret)
        case "XOAUTH2": return XOAuth2Mechanism(username: username, token: secret)
        default: return nil
        }
    }
}

public enum SASLPreference {
    public static let order = ["XOAUTH2", "CRAM-MD5", "PLAIN", "LOGIN"]

    /// The first of `order` that the server offers and the caller can do.
    public static func strongest(offered: [String], available: Set<String>) -> String? {
        order.first { offered.contains($0) && available.contains($0) }
    }
}
