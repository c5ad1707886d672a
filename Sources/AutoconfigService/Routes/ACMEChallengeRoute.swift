import HTTPKit
import Hummingbird

/// `GET /.well-known/acme-challenge/TOKEN` (RFC 8555 §8.3): the key authorization, as
/// plain text, while the CA checks that challenge; 404 otherwise.
struct ACMEChallengeRoute: Sendable {
    let board: ChallengeBoard?

    func answer(_ request: Request, context: ServiceContext) throws -> Response {
        guard let token = context.parameters.get("token"), let answer = board?.httpAnswer(token: token) else {
            throw ServiceRefusal(.notFound, "no ACME challenge pending for that token")
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: answer)))
    }
}
