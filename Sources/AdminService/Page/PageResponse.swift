import HTTPTypes
import Hummingbird

/// Every response of the page goes out through here, with the same headers: a strict
/// Content-Security-Policy (only the listener's own script and style sheet, forms only
/// to itself, no framing), no sniffing, no referrer, and nothing cached.
enum PageResponse {
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!

    static var securityHeaders: HTTPFields {
        [
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            referrerPolicy: "no-referrer",
            xFrameOptions: "DENY",
            .cacheControl: "no-store",
            crossOriginOpenerPolicy: "same-origin",
        ]
    }

    static func html(_ markup: Markup, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: markup.html)))
    }

    /// 303 See Other: after a form, the browser asks for `location` with GET.
    static func redirect(to location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func asset(_ text: String, contentType: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = contentType
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A page request refused before any route ran (no CSRF token, too many requests): an
/// HTML page that says why and what to do, with the page's headers.
struct PageRefusal: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = PageResponse.html(PageViews.page(
            title: "Refused", session: nil, problem: .init(form: "page", message: message),
            "<p><a href=\"/ui/\">Back to domains and servers</a></p>"), status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}
