import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import MailNet
import NIOCore
import NIOPosix
import Testing
import TestSupport

/// Connect failures told apart, from the errno the socket layer gives.
@Suite struct ConnectFailures {
    @Test func eachErrnoHasItsOwnKind() {
        let cases: [(Int32, String)] = [(ECONNREFUSED, "connection-refused"), (EHOSTUNREACH, "host-unreachable"),
                                        (ENETUNREACH, "network-unreachable"), (ETIMEDOUT, "connection-timeout")]
        for (code, kind) in cases {
            #expect(ConnectFailure.classify(IOError(errnoCode: code, reason: "connect"), timeout: 3)?.kind == kind, "errno \(code)")
        }
        #expect(ConnectFailure.classify(ChannelError.connectTimeout(.seconds(3)), timeout: 3) == .timedOut(seconds: 3))
        #expect(ConnectFailure.classify(IOError(errnoCode: EACCES, reason: "connect"), timeout: 3)?.kind == "connection-failed")
        #expect(ConnectFailure.classify(CancellationError(), timeout: 3) == nil)
        // "No route to host" is not a refusal any more.
        #expect(ConnectFailure.hostUnreachable.description.contains("no route"))
    }

    @Test func aClosedPortIsRefused() async throws {
        // A port that was just bound and closed again: nothing listens there.
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        do {
            let _: NIOAsyncChannel<ByteBuffer, ByteBuffer> = try await connectChannel(host: "127.0.0.1", port: port, tls: nil, timeout: 2)
            Issue.record("connected to a closed port")
        } catch {
            #expect(error as? ConnectFailure == .refused, "\(error)")
        }
    }
}

/// TLS failures named the same way for every client of the async connection (the https
/// fetch and the IMAP/POP3 probes), against the lab's real Postfix certificates.
@Suite(.needs(.lab))
struct TLSFailuresOverTheAsyncConnection {
    let lab = LabServers.current!

    /// Connects with TLS from the first byte and reads; gives the named failure.
    func failure(port: LabPort, host: String = "localhost", trust: TrustPolicy) async throws -> TLSFailure? {
        let tls = try TLSClient(trust: trust, host: host)
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer> = try await connectChannel(
            host: "127.0.0.1", port: lab.port(port), tls: tls, timeout: 5)
        do {
            try await channel.executeThenClose { inbound, _ in
                for try await _ in inbound { return }
            }
            return nil
        } catch {
            return tls.failure(for: error)
        }
    }

    @Test func expiredWrongNameAndUntrustedAreToldApart() async throws {
        let expired = try await failure(port: .expired, trust: .caFile(lab.caFile))
        guard case .expired = expired else { Issue.record("\(String(describing: expired))"); return }
        #expect(try await failure(port: .wrongName, trust: .caFile(lab.caFile)) == .nameMismatch(host: "localhost"))
        let untrusted = try await failure(port: .smtps, trust: .system)
        guard case .untrusted = untrusted else { Issue.record("\(String(describing: untrusted))"); return }
        // The right CA: no failure, the greeting arrives.
        #expect(try await failure(port: .smtps, trust: .caFile(lab.caFile)) == nil)
    }

    /// TLS to the lab's plaintext port: BoringSSL's reason, said with what it means, and
    /// none of its packed numbers or source paths.
    @Test func notTLSAtAllIsSaidInWordsWithoutTheLibrarysInsides() async throws {
        let failure = try await failure(port: .plain, trust: .caFile(lab.caFile))
        guard case .handshakeFailed(let why) = failure else { Issue.record("\(String(describing: failure))"); return }
        #expect(why == "WRONG_VERSION_NUMBER: the server did not answer in TLS; this port may be plaintext or STARTTLS")
        #expect(!(failure?.description.contains("/") ?? true) && !(failure?.description.contains("error:") ?? true))
    }

    @Test func aCAFileThatCannotBeReadIsAHandshakeFailureNamingIt() {
        #expect(throws: TLSFailure.self) { try TLSClient(trust: .caFile("/nonexistent/ca.pem"), host: "localhost") }
        do { _ = try TLSClient(trust: .caFile("/nonexistent/ca.pem"), host: "localhost") } catch {
            #expect(error.kind == "tls-handshake-failed")
            #expect(error.description.contains("CA file"))
        }
    }
}

/// BoringSSL's error text read for its reason codes; text without one is kept as it is.
@Suite struct TLSErrorWords {
    @Test func reasonsAreReadInOrderOnceEach() {
        let text = "sslError([Error: 268435703 error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER at /x/tls_record.cc:127, "
            + "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /x/handshake.cc:393, "
            + "Error: 1 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /x/handshake.cc:1])"
        #expect(TLSErrorWording.reasons(in: text) == ["WRONG_VERSION_NUMBER", "CERTIFICATE_VERIFY_FAILED"])
        #expect(TLSErrorWording.reasons(in: "uncleanShutdown") == [])
        #expect(TLSErrorWording.reasons(in: "error:zz:SSL routines:f:lowercase") == [])
    }

    struct Plain: Error, CustomStringConvertible { var description: String }

    @Test func anUnknownReasonIsNamedAndAnErrorWithoutOneKeepsItsWords() {
        #expect(TLSErrorWording.describe(Plain(description: "[error:0a000126:SSL routines:OPENSSL_internal:SOMETHING_NEW at /x:1]"))
                == "SOMETHING_NEW")
        #expect(TLSErrorWording.describe(Plain(description: "the connection closed before the handshake ended"))
                == "the connection closed before the handshake ended")
    }
}
