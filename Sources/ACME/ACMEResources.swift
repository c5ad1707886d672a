import Foundation

/// The resources of RFC 8555 §7.1 mailconf reads: only the members it uses.
struct ACMEDirectory: Decodable, Sendable {
    var newNonce: String
    var newAccount: String
    var newOrder: String
    var meta: Meta?
    struct Meta: Decodable, Sendable { var termsOfService: String? }
}

struct ACMEIdentifier: Codable, Sendable, Equatable {
    var type = "dns"
    var value: String
}

struct ACMEOrder: Decodable, Sendable {
    var status: String
    var identifiers: [ACMEIdentifier]
    var authorizations: [String]
    var finalize: String
    var certificate: String?
    var error: ACMEProblem?
}

struct ACMEAuthorization: Decodable, Sendable {
    var status: String
    var identifier: ACMEIdentifier
    var challenges: [ACMEChallenge]
}

struct ACMEChallenge: Decodable, Sendable {
    var type: String
    var url: String
    var status: String
    var token: String?
    var error: ACMEProblem?
}

/// The two challenges mailconf answers itself.
public enum ChallengeKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The CA fetches http://NAME/.well-known/acme-challenge/TOKEN on port 80.
    case http01 = "http-01"
    /// The CA connects with TLS to port 443, offering only ALPN `acme-tls/1` (RFC 8737).
    case tlsALPN01 = "tls-alpn-01"
    public var description: String { rawValue }
}

/// A challenge being answered: what the responder shows, to whom.
public struct PendingChallenge: Sendable, Hashable {
    public var kind: ChallengeKind
    /// The DNS name being validated.
    public var name: String
    public var token: String
    public var keyAuthorization: String
}

/// What answers challenges while the CA checks them (serve's listeners).
public protocol ChallengeResponder: Sendable {
    /// The challenges it can answer, the preferred first.
    var kinds: [ChallengeKind] { get }
    func publish(_ challenge: PendingChallenge) throws
    func withdraw(_ challenge: PendingChallenge)
}
