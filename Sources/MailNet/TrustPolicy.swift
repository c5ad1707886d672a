/// Where trust comes from when checking a server's certificate.
public enum TrustPolicy: Sendable, Equatable {
    /// The system's trust store.
    case system
    /// Only the CAs in this PEM file.
    case caFile(String)
    /// No verification at all: only when the caller asks, and the report says so.
    case noVerification
}
