import Catalog
import Failures
import HTTPTypes
import Hummingbird
import NIOCore

/// A response body and its validator, for the answers that are the same for everyone
/// asking for a domain (Thunderbird's file, and the Apple profile for an address).
struct CachedBody: Sendable {
    /// Built once: every response shares this storage (ByteBuffer is copy-on-write).
    let buffer: ByteBuffer
    let etag: String
    /// The body's length, as the Content-Length header says it.
    let length: String

    init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    init(bytes: [UInt8]) {
        buffer = ByteBuffer(bytes: bytes)
        etag = "\"\(FNV.hex(bytes))\""
        length = String(bytes.count)
    }

    /// A 200 with the ETag, which `ConditionalGETMiddleware` turns into caching and 304s.
    func response(contentType: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        headers[.eTag] = etag
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}
