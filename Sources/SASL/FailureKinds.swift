import Failures

/// The kinds of failure a SASL exchange raises on the client's side.
extension FailureKind {
    public static let saslError = FailureKind("sasl-error")
}
