import Failures
import MailNet

/// A protocol client's error: the failures every session shares wrapped as
/// `.session(…)`, beside the client's own cases.
public protocol SessionError: MailconfError {
    /// The shared failure, wrapped (an enum case `session(SessionFailure)` is this).
    static func session(_ failure: SessionFailure) -> Self
    /// The shared failure this error wraps, if it is one.
    var sessionFailure: SessionFailure? { get }
    /// How the client's protocol names the shared steps.
    static var dialect: SessionDialect { get }
}

extension SessionError {
    /// The TLS or certificate failure behind this error, if that is what it is.
    public var tlsFailure: TLSFailure? {
        if case .tls(let failure)? = sessionFailure { return failure }
        return nil
    }
}
