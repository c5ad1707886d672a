import Hummingbird

/// The admin API's request context: Hummingbird's own, and who is asking (the label of
/// the token the request carried, once the auth middleware has checked it).
public struct AdminContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``BearerAuthMiddleware``; every route runs after it.
    public var tokenLabel: String?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Request bodies the admin API reads are small JSON objects.
    public var maxUploadSize: Int { AdminAPI.largestBody }
}
