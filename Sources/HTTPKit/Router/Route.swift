import HTTPTypes
import Hummingbird

/// One URL a listener answers: the method, the path (Hummingbird's syntax: `{name}` or
/// `:name` for a segment, `**` for the rest), and the function that answers it.
package struct Route<Context: RequestContext>: Sendable {
    package typealias Answer = @Sendable (Request, Context) async throws -> Response

    package var method: HTTPRequest.Method
    package var path: RouterPath
    /// Told first when the route is asked for, with this method or another (the
    /// autoconfig service names the endpoint in its metrics and access log).
    package var enter: (@Sendable (Context) -> Void)?
    package var answer: Answer

    package init(_ method: HTTPRequest.Method, _ path: RouterPath, enter: (@Sendable (Context) -> Void)? = nil,
                 _ answer: @escaping Answer) {
        self.method = method
        self.path = path
        self.enter = enter
        self.answer = answer
    }
}
