import DNSClient
import Failures
import Foundation
import MailNet
import MailSettings
import NIOCore
import NIOSSL
import SMTPClient
import WebFetch

/// The least an IMAP or POP3 server must do to count as found: answer with its greeting
/// (over TLS from the first byte on 993/995, with the certificate checked), and, on the
/// plaintext ports, offer STARTTLS.
struct GreetingProbe: Sendable {
    var trust: TrustPolicy
    var timeout: Double

    /// The server answered, but not as IMAP or POP3 must (or not within the deadline).
    struct Failure: MailconfError {
        var message: String
        var kind: FailureKind { .greetingProbeFailed }
        var description: String { message }
    }

    func check(_ s: ServerSetting, resolver: any AddressResolver) async -> (ok: Bool, message: String) {
        guard let host = s.hostname?.name, let port = s.port?.value else { return (false, "no host or port") }
        do {
            let lines = try await talk(host: host, resolver: resolver, port: Int(port), tls: s.security == .tls,
                                       follow: s.security == .starttls ? (s.protocol == .imap ? "a1 CAPABILITY\r\n" : "CAPA\r\n") : nil)
            let greeting = lines.first ?? ""
            let good = s.protocol == .imap ? (greeting.hasPrefix("* OK") || greeting.hasPrefix("* PREAUTH")) : greeting.hasPrefix("+OK")
            guard good else { return (false, "not an \(s.protocol.rawValue.uppercased()) greeting: \(greeting.prefix(80))") }
            if s.security == .starttls {
                let word = s.protocol == .imap ? "STARTTLS" : "STLS"
                guard lines.dropFirst().contains(where: { $0.uppercased().contains(word) }) else {
                    return (false, "the server does not offer \(word)")
                }
                return (true, "answers; offers \(word)")
            }
            return (true, "answers")
        } catch {
            return (false, Self.describe(error, tls: try? tlsClient(host: host, tls: s.security == .tls)))
        }
    }

    /// Connect and TLS failures in MailNet's words; the probe's own as they are.
    static func describe(_ error: any Error, tls: TLSClient?) -> String {
        if let f = error as? ConnectFailure { return f.description }
        if let f = error as? ResolveFailure { return f.description }
        if let f = tls?.failure(for: error) { return f.description }
        return "\(error)"
    }

    func tlsClient(host: String, tls: Bool) throws(TLSFailure) -> TLSClient? {
        tls ? try TLSClient(trust: trust, host: host) : nil
    }

    /// Reads the greeting (and, after `follow` is sent, the reply to it), at most 64 KiB.
    func talk(host: String, resolver: any AddressResolver, port: Int, tls: Bool, follow: String?) async throws -> [String] {
        let client = try tlsClient(host: host, tls: tls), timeout = timeout
        return try await withDeadline(timeout, timedOut: { Failure(message: "no greeting within \(timeout) s") }) {
            let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer> = try await connectChannel(
                host: host, port: port, resolver: resolver, tls: client, timeout: timeout)
            return try await channel.executeThenClose { inbound, outbound in
                var text = ""
                var sent = follow == nil
                for try await buffer in inbound {
                    text += String(buffer: buffer)
                    guard text.utf8.count < 65536 else { throw Failure(message: "the greeting is over 64 KiB") }
                    let lines = text.components(separatedBy: "\r\n")
                    if !sent, lines.count > 1 {
                        try await outbound.write(ByteBuffer(string: follow!))
                        sent = true
                        continue
                    }
                    // Done at the tagged IMAP reply or POP3's lone ".".
                    if sent, follow == nil, lines.count > 1 { return Array(lines.dropLast()) }
                    if sent, lines.contains(where: { $0.hasPrefix("a1 ") || $0 == "." || $0.hasPrefix("-ERR") }) {
                        return Array(lines.dropLast())
                    }
                }
                return text.components(separatedBy: "\r\n")
            }
        }
    }
}

extension FailureKind {
    /// An IMAP or POP3 server that did not greet as it must (or not in time).
    static let greetingProbeFailed = FailureKind("greeting-probe-failed")
}
