import Failures

/// Why a listener did not start: its certificate or key cannot be used, or its address
/// cannot be listened on. The sentence names the options that gave them.
package struct ListenerError: MailconfError {
    package var kind: FailureKind
    package var description: String

    package init(kind: FailureKind, description: String) {
        self.kind = kind
        self.description = description
    }
}

extension FailureKind {
    /// serve's certificate or key cannot be used.
    public static let serviceTLSError = FailureKind("tls-error")
    /// A port could not be listened on (in use, privileged, or an address not of this machine).
    public static let serviceCannotListen = FailureKind("cannot-listen")
}
