import Failures
import Foundation

/// Why a certificate could not be had from the ACME server. Each names the URL or the
/// domain names involved, and what to do.
public struct ACMEError: MailconfError {
    public var kind: FailureKind
    public var description: String
    /// The CA's problem document, when it sent one.
    public var problem: ACMEProblem?
    /// From a rate limit's Retry-After: when to ask again.
    public var retryAfter: Date?

    public init(_ kind: FailureKind, _ description: String, problem: ACMEProblem? = nil, retryAfter: Date? = nil) {
        self.kind = kind
        self.description = description
        self.problem = problem
        self.retryAfter = retryAfter
    }
}

extension FailureKind {
    /// The ACME server refused a request with a problem document (its type and detail follow).
    public static let acmeProblem = FailureKind("acme-problem", hint: "read the CA's type and detail")
    /// The ACME server's rate limit: asked again only after its Retry-After.
    public static let acmeRateLimited = FailureKind("acme-rate-limited", hint: "wait for the CA's Retry-After")
    /// The CA could not validate a challenge: the names do not reach this server.
    public static let acmeChallengeFailed = FailureKind("acme-challenge-failed", hint: "point the names' DNS at this server and open --http-port or the https port")
    /// The ACME server could not be reached, or its TLS was not trusted.
    public static let acmeUnreachable = FailureKind("acme-unreachable", hint: "check --acme-directory and --acme-ca-file")
    /// The ACME server answered something that is not RFC 8555.
    public static let acmeBadReply = FailureKind("acme-bad-reply")
    /// An order did not finish in time.
    public static let acmeTimedOut = FailureKind("acme-timed-out")
    /// The account key or a certificate could not be stored or read.
    public static let acmeStorage = FailureKind("acme-storage", hint: "make the data directory writable")
}
