import HTTPKit
import Hummingbird

/// `/healthz` for load balancers and `/metrics` for Prometheus: about the service, not
/// about any domain.
struct StatusRoutes: Sendable {
    let store: SettingsStore
    let metrics: Metrics

    func health(_ request: Request, context: ServiceContext) -> Response {
        .plainText(.ok, "ok \(store.domainCount) domains")
    }

    func exposition(_ request: Request, context: ServiceContext) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
    }
}
