import Hummingbird

/// The request context of the service's routes and middleware: Hummingbird's own, and
/// the record the route leaves for the access log and metrics.
struct ServiceContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let record = AccessRecord()

    init(source: Source) {
        coreContext = .init(source: source)
    }
}
