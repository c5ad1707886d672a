import Hummingbird

/// A listener's routes, in one table: the router is built from it, and so is the 405
/// with `Allow` for a path it serves with other methods (``MethodNotAllowed``).
package struct RouteTable<Context: RequestContext>: Sendable {
    package var routes: [Route<Context>]
    /// How paths match (`.caseInsensitive` for the autoconfig service).
    package var options: RouterOptions

    package init(_ routes: [Route<Context>], options: RouterOptions = []) {
        self.routes = routes
        self.options = options
    }

    /// Adds every route to `router` (after the middleware already added to it).
    package func register(on router: Router<Context>) {
        for route in routes {
            let answer = route.answer
            if let enter = route.enter {
                router.on(route.path, method: route.method) { request, context in
                    enter(context)
                    return try await answer(request, context)
                }
            } else {
                router.on(route.path, method: route.method, use: answer)
            }
        }
    }

    /// Each path once, in the table's order, with the methods it is served with.
    var paths: [(path: RouterPath, routes: [Route<Context>])] {
        var found: [(path: RouterPath, routes: [Route<Context>])] = []
        for route in routes {
            if let i = found.firstIndex(where: { $0.path == route.path }) {
                found[i].routes.append(route)
            } else {
                found.append((route.path, [route]))
            }
        }
        return found
    }
}
