import Foundation
import HTTPTypes
import Hummingbird

/// The three ways a refusal goes out: a line of text (the autoconfig service), a JSON
/// object (the admin API), an HTML page (the admin page). Each carries the refusal's
/// status and its headers.
extension ServiceRefusal {
    /// `{"error": {"kind", "message", "field"}}`, the admin API's error body.
    package struct JSONBody: Codable, Sendable {
        package struct Inner: Codable, Sendable {
            package var kind: String
            package var message: String
            package var field: String?
        }
        package var error: Inner
    }

    /// The message and a newline, as `text/plain`.
    package var text: Response {
        var response = Response.plainText(status, message)
        for field in headers { response.headers.append(field) }
        return response
    }

    /// ``JSONBody``, as `application/json`, never cached.
    package var json: Response {
        let body = JSONBody(error: .init(kind: kind.name, message: message, field: field))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `page` (the whole document, which says ``message``) as `text/html`, after the
    /// page's own `pageHeaders`.
    package func html(_ page: String, pageHeaders: HTTPFields) -> Response {
        var fields = pageHeaders
        fields[.contentType] = "text/html; charset=utf-8"
        for field in headers { fields.append(field) }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

extension Response {
    /// One line of text: refusals, and the health check.
    package static func plainText(_ status: HTTPResponse.Status, _ line: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: line + "\n")))
    }
}
