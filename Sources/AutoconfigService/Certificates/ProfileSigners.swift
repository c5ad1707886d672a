import ClientExport
import Synchronization

/// Who signs each domain's Apple profiles: the certificate ACME got for that domain,
/// else the one given (--sign-cert, or the https certificate).
public final class ProfileSigners: Sendable {
    private let state: Mutex<(byDomain: [String: ProfileSigner], fallback: ProfileSigner?)>

    public init(fallback: ProfileSigner? = nil) { state = Mutex(([:], fallback)) }

    public func set(_ signer: ProfileSigner, for domain: String) { state.withLock { $0.byDomain[domain] = signer } }

    func signer(for domain: String) -> ProfileSigner? { state.withLock { $0.byDomain[domain] ?? $0.fallback } }
}
