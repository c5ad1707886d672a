import Foundation

/// An ACME problem document (RFC 8555 §6.7, RFC 7807): what the CA refused and why.
public struct ACMEProblem: Codable, Sendable, Equatable, CustomStringConvertible {
    public var type: String
    public var detail: String?
    public var status: Int?
    public var identifier: Identifier?
    public var subproblems: [ACMEProblem]?

    public struct Identifier: Codable, Sendable, Equatable {
        public var type: String
        public var value: String
    }

    public init(type: String, detail: String? = nil, status: Int? = nil) {
        self.type = type
        self.detail = detail
        self.status = status
    }

    static let prefix = "urn:ietf:params:acme:error:"

    /// The type without its URN prefix: `badNonce`, `rateLimited`, `connection`, …
    public var shortType: String { type.hasPrefix(Self.prefix) ? String(type.dropFirst(Self.prefix.count)) : type }

    public var isBadNonce: Bool { shortType == "badNonce" }
    public var isRateLimited: Bool { shortType == "rateLimited" }

    /// "type: detail", then each subproblem with its identifier.
    public var description: String {
        var text = type + (detail.map { ": \($0)" } ?? "")
        for sub in subproblems ?? [] {
            text += "; " + (sub.identifier.map { "\($0.value): " } ?? "") + sub.description
        }
        return text
    }
}
