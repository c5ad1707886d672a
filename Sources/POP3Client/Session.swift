import Foundation
import MailNet
import MailSession
import NIOCore
import NIOPosix
import SASL

/// How a POP3 session connects and waits (the session core's options, POP3's limits).
public typealias POP3SessionOptions = SessionOptions<POP3Limits>

extension POP3Limits: SessionLimits {}

extension POP3Capabilities: SessionCapabilities {
    package var offersStartTLS: Bool { stls }
}

/// One POP3 session: connect, greeting, CAPA, STLS and CAPA again when asked, a login
/// (SASL or USER/PASS), QUIT. Every step is recorded in `transcript` with credentials
/// redacted. A session is a conversation: use it from one task at a time.
public final class POP3Session: CoreSession, @unchecked Sendable {
    package typealias Capabilities = POP3Capabilities
    package typealias Handler = POP3ResponseHandler
    package let core: SessionCore<POP3ResponseHandler, POP3Capabilities>
    public private(set) var greeting: POP3Response?

    public init(options: POP3SessionOptions, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        core = SessionCore(options: options, group: group)
    }

    /// Connects (each address in turn) and runs the greeting, CAPA and (when asked) STLS
    /// with a second CAPA. With STLS there is no plaintext fallback.
    package func open() async throws { try await openConnection() }

    package func accept(greeting: POP3Response) throws -> POP3Capabilities? {
        core.transcript.received(greeting, phase: "greeting")
        self.greeting = greeting
        guard greeting.isOK else { throw POP3ClientError.session(.greetingRejected("\(greeting)")) }
        return nil
    }

    /// CAPA (RFC 2449); a server without it (`-ERR`) has no announced capabilities.
    package func askCapabilities(afterTLS: Bool) async throws -> POP3Capabilities {
        let response = try await exchange(.capa, phase: afterTLS ? "capa-after-tls" : "capa", form: .multiLine)
        return response.isOK ? POP3Capabilities(capa: response.lines) : POP3Capabilities()
    }

    package func requestTLS(_ tls: TLSClient) async throws {
        let response = try await exchange(.stls, phase: "stls", upgrade: tls)
        guard response.isOK else { throw POP3ClientError.session(.startTLSRefused("\(response)")) }
    }

    /// The one way a command goes out: encoded (CR/LF/NUL refused), recorded in the
    /// transcript, sent, and its response read (under the reply deadline) and recorded.
    func exchange(_ command: POP3Command, phase: String, form: POP3ResponseForm = .singleLine,
                  upgrade: TLSClient? = nil, timeout: TimeAmount? = nil) async throws -> POP3Response {
        let connection = try core.requireConnection()
        let bytes: [UInt8]
        do { bytes = try command.encoded() } catch { throw POP3ClientError.session(.invalidCommand(error)) }
        core.transcript.sent(command, phase: phase)
        let response = try await connection.send(bytes, phase: phase, form: form, upgrade: upgrade, timeout: timeout)
        core.transcript.received(response, phase: phase)
        return response
    }

    /// QUIT and close; safe to call more than once, and after a failure. A polite QUIT,
    /// but no round trip spent on its +OK (nothing was marked for deletion, so the UPDATE
    /// state has nothing to do).
    public func close() async {
        await core.close(saying: "QUIT") { $0.sent(.quit, phase: "quit") }
    }
}
