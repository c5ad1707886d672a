import Failures

/// A failure the command line reports: a stable kind for `--json` and a sentence
/// that says what went wrong and what to do. Every module's error becomes one here, in
/// one place; `Mailconf.main` maps it to exit status 1 and, with --json, to
/// `{"error": {"kind": …, "message": …}}`.
struct CLIError: MailconfError, Encodable {
    var kind: FailureKind
    var message: String
    var description: String { message }

    init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }

    init(_ error: any MailconfError) {
        self.init(kind: error.kind, message: error.message)
    }
}

/// The kinds of failure the command line itself names.
extension FailureKind {
    static let noServerToVerify = FailureKind("no-server-to-verify")
    static let unsupportedProtocol = FailureKind("unsupported-protocol")
    static let noMatch = FailureKind("no-match")
    static let nothingFound = FailureKind("nothing-found")
    /// `domains check` on a domain that is not an organisation domain.
    static let notAnOrganisationDomain = FailureKind("not-an-organisation-domain")
    /// serve's --admin-token-file cannot be used.
    static let adminTokens = FailureKind("admin-tokens")
    /// An error that is none of mailconf's own (a bug, or the system's).
    static let unexpected = FailureKind("error")
}

/// Runs catalog work and turns its typed errors into CLI errors.
func attempt<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as any MailconfError {
        throw CLIError(e)
    }
}
