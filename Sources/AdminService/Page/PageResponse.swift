import HTTPKit
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

    /// A refusal as a page that says why and what to do, with the page's headers.
    static func refused(_ refusal: ServiceRefusal) -> Response {
        refusal.html(PageViews.page(title: "Refused", session: nil, problem: .init(form: "page", message: refusal.message),
                                    "<p><a href=\"/ui/\">Back to domains and servers</a></p>").html, pageHeaders: securityHeaders)
    }

    static func asset(_ text: String, contentType: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = contentType
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
