import Synchronization

/// What only the route knows about a request and the access log and metrics, which run
/// around it, need: which endpoint it was, and the domain and address it was answered
/// for. A reference in the request context, so what the route writes into its copy of
/// the context the middleware read from theirs.
final class AccessRecord: Sendable {
    struct Fields {
        var endpoint = Endpoint.other
        /// Set only when the route answers for them (not when it refuses).
        var domain: String?
        var address: String?
    }

    private let fields = Mutex(Fields())

    var endpoint: Endpoint {
        get { fields.withLock { $0.endpoint } }
        set { fields.withLock { $0.endpoint = newValue } }
    }

    var domain: String? { fields.withLock { $0.domain } }
    var address: String? { fields.withLock { $0.address } }

    func answered(domain: String, address: String?) {
        fields.withLock {
            $0.domain = domain
            $0.address = address
        }
    }
}
