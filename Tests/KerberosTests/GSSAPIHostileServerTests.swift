import Foundation
import Kerberos
import MailNet
import NIOConcurrencyHelpers
import SASL
import SMTPClient
import Testing
import TestSupport

/// The server side of GSSAPI for an in-process fake SMTP server: accepts the client's
/// ticket with the lab's smtp/localhost keytab, then offers the security layers a test
/// chooses, which no real MTA would (Dovecot always offers "none"). It calls the same
/// run-time loaded library as the client.
final class Acceptor: @unchecked Sendable {
    private let lock = NIOLock()
    private let gss: GSSAPILibrary
    private var credential: GSSHandle?
    private var context: GSSHandle?
    /// What the client answered to the security-layer offer, unwrapped.
    private(set) var clientAnswer: [UInt8]?

    init(keytab: String) throws {
        gss = try GSSAPILibrary.shared.get()
        var minor: OMUInt32 = 0
        let major = keytab.withCString { path in
            "keytab".withCString { key in
                var element = GSSKeyValueElement(key: key, value: path)
                return withUnsafeMutablePointer(to: &element) { pointer in
                    var store = GSSKeyValueSet(count: 1, elements: UnsafeMutableRawPointer(pointer))
                    return gss.acquireCredentialFrom(&minor, nil, GSS.indefinite, nil, GSS.accept, &store, &credential, nil, nil)
                }
            }
        }
        guard !GSS.isError(major) else { throw AcceptorError.failed("acquire", major, minor) }
    }

    deinit {
        var minor: OMUInt32 = 0
        if context != nil { _ = gss.deleteSecurityContext(&minor, &context, nil) }
        if credential != nil { _ = gss.releaseCredential(&minor, &credential) }
    }

    enum AcceptorError: Error { case failed(String, OMUInt32, OMUInt32) }

    /// The AP-REP for the client's first token.
    func accept(_ token: [UInt8]) throws -> [UInt8] {
        try lock.withLock {
            let r = gss.call(token) { minor, input, output in
                gss.acceptSecurityContext(&minor, &context, credential, input, nil, nil, nil, &output, nil, nil, nil)
            }
            guard !r.failed else { throw AcceptorError.failed("accept", r.major, r.minor) }
            return r.output
        }
    }

    func wrap(_ message: [UInt8]) throws -> [UInt8] {
        try lock.withLock {
            let r = gss.call(message) { minor, input, output in
                gss.wrap(&minor, context, 0, GSS.defaultQOP, input, nil, &output)
            }
            guard !r.failed else { throw AcceptorError.failed("wrap", r.major, r.minor) }
            return r.output
        }
    }

    func unwrapAnswer(_ token: [UInt8]) throws {
        try lock.withLock {
            let r = gss.call(token) { minor, input, output in gss.unwrap(&minor, context, input, &output, nil, nil) }
            guard !r.failed else { throw AcceptorError.failed("unwrap", r.major, r.minor) }
            clientAnswer = r.output
        }
    }
}

@Suite(.serialized, .needs(.labKerberos))
struct GSSAPIAgainstAHostileServer {
    let lab = LabServers.current!
    var krb: LabKerberos { lab.kerberos! }

    /// A fake server that takes the ticket for real and then sends `offer` (wrapped) as its
    /// security-layer message, or `garbage` instead of the AP-REP.
    func run(offer: [UInt8] = [0x07, 0x00, 0x10, 0x00], garbageInsteadOfReply: Bool = false,
             authorizationIdentity: String = "") async throws -> (error: SMTPClientError?, acceptor: Acceptor) {
        let acceptor = try Acceptor(keytab: krb.directory.appendingPathComponent("smtp.keytab").path)
        let step = NIOLockedValueBox(0)
        let server = try await FakeSMTPServer(greeting: [.send("220 fake.test ESMTP\r\n")]) { line in
            if line.hasPrefix("EHLO") { return [.send(EHLOReply.make(["AUTH GSSAPI"]))] }
            if line.hasPrefix("QUIT") { return [.send("221 bye\r\n"), .close] }
            let round = step.withLockedValue { $0 += 1; return $0 }
            do {
                switch round {
                case 1:
                    guard line.hasPrefix("AUTH GSSAPI "), let token = Data(base64Encoded: String(line.dropFirst(12))) else {
                        return [.send("501 5.5.4 expected AUTH GSSAPI with a token\r\n")]
                    }
                    let reply = garbageInsteadOfReply ? Array("not a Kerberos token at all".utf8) : try acceptor.accept(Array(token))
                    return [.send("334 \(Data(reply).base64EncodedString())\r\n")]
                case 2:
                    return [.send("334 \(Data(try acceptor.wrap(offer)).base64EncodedString())\r\n")]
                default:
                    try acceptor.unwrapAnswer(Array(Data(base64Encoded: line) ?? Data()))
                    return [.send("235 2.7.0 ok\r\n")]
                }
            } catch {
                return [.send("535 5.7.8 fake server: \(error)\r\n")]
            }
        }
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let session = SMTPSession(options: SMTPSessionOptions(host: "localhost", port: server.port, tls: .none, resolver: FixedAddresses(["127.0.0.1"])))
        var failure: SMTPClientError?
        do {
            try await session.open()
            let mechanism = GSSAPIMechanism(host: "localhost", options: KerberosOptions(credentialCache: cache),
                                            authorizationIdentity: authorizationIdentity)
            try await mechanism.prepare(timeout: 10)
            try await session.authenticate(mechanism)
        } catch let e as SMTPClientError {
            failure = e
        } catch let e as SASLError {
            failure = .session(.sasl(e))
        }
        await session.close()
        await server.stop()
        return (failure, acceptor)
    }

    @Test func theClientChoosesNoSecurityLayerAndSendsItsAuthorizationIdentity() async throws {
        let (error, acceptor) = try await run(authorizationIdentity: "alice")
        #expect(error == nil, "\(String(describing: error))")
        // RFC 4752 section 3.1: layer 1 (none), a zero maximum size, then the authzid.
        #expect(acceptor.clientAnswer == [0x01, 0, 0, 0] + Array("alice".utf8))
    }

    @Test func aServerThatInsistsOnALayerIsRefused() async throws {
        // Integrity and privacy only (2 | 4), no "no security layer" (1).
        let (error, acceptor) = try await run(offer: [0x06, 0x00, 0x10, 0x00])
        #expect(error?.kind == "sasl-error")
        #expect(error?.description.contains("insists on a GSSAPI integrity or privacy layer") == true, "\(String(describing: error))")
        #expect(acceptor.clientAnswer == nil)
    }

    @Test func aMalformedLayerOfferIsRefused() async throws {
        let (error, _) = try await run(offer: [0x01, 0x00])
        #expect(error?.description.contains("has 2 octets, not 4") == true, "\(String(describing: error))")
    }

    @Test func aReplyThatIsNoKerberosTokenIsAKerberosError() async throws {
        let (error, _) = try await run(garbageInsteadOfReply: true)
        #expect(error?.kind == "kerberos-error", "\(String(describing: error))")
        #expect(error?.description.contains("checking the server's reply") == true, "\(String(describing: error))")
    }
}
