import MailNet

/// A ``TLSClient`` made while the connection opens. Reading the CA file and setting up
/// BoringSSL's context take a millisecond or more. A STARTTLS session needs them only
/// once the server has said yes to STARTTLS, a round trip or two later; implicit TLS
/// needs them at once.
package struct PendingTLSClient: Sendable {
    private let task: Task<Result<TLSClient, TLSFailure>, Never>

    package init(trust: TrustPolicy, host: String) {
        task = Task { Result { () throws(TLSFailure) in try TLSClient(trust: trust, host: host) } }
    }

    /// The client, once made (or why it could not be).
    package var value: TLSClient {
        get async throws(TLSFailure) { try await task.value.get() }
    }
}
