import HTTPTypes
import Hummingbird

extension Response {
    /// One line of text: refusals, and the health check.
    static func plainText(_ status: HTTPResponse.Status, _ line: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: line + "\n")))
    }
}
