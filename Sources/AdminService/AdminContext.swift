import Hummingbird
import NIOCore

/// The admin listener's request context: Hummingbird's own, who is asking (the label of
/// the token the request carried, or of the page session's token), and from where.
public struct AdminContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``BearerAuthMiddleware`` for the API, by ``PageSessionMiddleware`` for the
    /// page; every route that reads or writes the catalog runs after one of them.
    public var tokenLabel: String?
    /// The page's signed-in session, set by ``PageSessionMiddleware``.
    var session: PageSessions.Session?
    /// A page form, read and its CSRF token checked by ``PageSessionMiddleware``.
    var form: PageForm?
    /// The peer, for the rate limit on sign-in attempts.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies the admin listener reads are small JSON objects and forms.
    public var maxUploadSize: Int { AdminAPI.largestBody }
}
