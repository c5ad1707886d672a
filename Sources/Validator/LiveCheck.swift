import Failures
import Foundation
import Kerberos
import Lint
import MailNet
import MailSettings
import SASL
import SMTPClient

/// Runs the live checks on mailconf's own SMTP client.
public enum LiveCheck {

    public static func verify(_ request: VerifyRequest) async -> VerifyResult {
        if request.setting.protocol == .imap || request.setting.protocol == .pop3 { return await verifyIncoming(request) }
        let s = request.setting
        let started = Date()
        let mode: TLSMode = s.security == .tls ? .implicit : s.security == .starttls ? .startTLS : .none
        let session = SMTPSession(options: SMTPSessionOptions(
            host: s.hostname?.name ?? "", port: Int(s.port?.value ?? 25), tls: mode, trust: request.trust,
            connectTimeout: request.timeout, replyTimeout: request.timeout, allowPlaintextPassword: request.allowPlaintextAuth,
            resolver: request.resolver ?? SystemResolver()))
        var kind: FailureKind?
        var message = "works"
        var mechanismUsed: String?
        var queueID: String?
        var certificateProblems: [FailureKind]?
        do {
            try await session.open(checking: [request.username, request.sender].compactMap { $0 } + request.recipients)
            // A mechanism asked for by name means a login, whatever the setting says.
            let needsAuth = request.mechanism != nil || s.loginPlan(secretAtHand: request.secret != nil) != .noLogin
            if needsAuth && !request.logIn {
                throw CheckFailure(kind: .credentialsMissing, message: "the login was not tried: this check stops before AUTH")
            }
            // A port that offers AUTH only after STARTTLS says so by offering STARTTLS and
            // no AUTH in plaintext: the fix is STARTTLS, not another mechanism.
            if needsAuth, !session.isEncrypted, let caps = session.capabilities, caps.startTLS, caps.authMechanisms.isEmpty {
                throw CheckFailure(kind: .tlsRequired, message:
                    "this port offers AUTH only after STARTTLS: its plaintext EHLO offers STARTTLS and no AUTH; set the security to STARTTLS")
            }
            if needsAuth && request.usesKerberos {
                mechanismUsed = try await kerberosLogin(session, request)
            } else if needsAuth {
                guard let username = request.username, let secret = request.secret else {
                    throw CheckFailure(kind: .credentialsMissing, message: "this setting needs a username and a password (or token); give them to verify the login")
                }
                mechanismUsed = try await authenticate(session, username: username, secret: secret,
                                                       mechanism: request.usesToken ? "XOAUTH2" : request.mechanism)
            }
            if let sender = request.sender, !request.recipients.isEmpty {
                do {
                    let reply = try await session.send(from: sender, to: request.recipients,
                                                       message: testMessage(from: sender, to: request.recipients))
                    queueID = Self.queueID(in: reply)
                    message = "works; test message accepted: \(reply.text)"
                } catch SMTPClientError.unexpectedReply(let phase, let reply) where reply.isPermanentFailure {
                    throw CheckFailure(kind: .bounced, message: "the server refused the test message at \(phase.uppercased()): \(reply)")
                } catch SMTPClientError.unexpectedReply(let phase, let reply) where reply.isTransientFailure {
                    throw CheckFailure(kind: .deferred, message: "the server deferred the test message at \(phase.uppercased()): \(reply)")
                }
            } else {
                // Would the server take mail from this client as it is? Nothing is sent:
                // MAIL FROM, RCPT TO an address elsewhere, RSET.
                let probe = try await session.probeEnvelope(from: request.sender ?? defaultSender(for: s.hostname),
                                                            to: relayProbeRecipient)
                try classify(probe.mail, probe.rcpt, authenticated: mechanismUsed != nil)
            }
        } catch let e as CheckFailure {
            kind = e.kind
            message = e.message
        } catch let e as SMTPClientError {
            kind = e.kind
            message = e.description
            if case .tls(let failure) = e, failure.kind != .tlsHandshakeFailed { certificateProblems = failure.problems.map(\.kind) }
        } catch {
            kind = .protocolError
            message = "\(error)"
        }
        await session.close()
        return VerifyResult(
            setting: s.summary, ok: kind == nil, kind: kind, message: message,
            addresses: session.addressesTried,
            capabilitiesBeforeTLS: session.capabilitiesBeforeTLS?.keywords,
            capabilities: session.capabilities?.keywords,
            authMechanisms: session.capabilities?.authMechanisms,
            mechanismUsed: mechanismUsed, tls: await session.tls,
            timings: PhaseTiming.phases(of: session.transcript),
            transcript: request.keepTranscript ? session.transcript : nil,
            totalSeconds: Date().timeIntervalSince(started), queueID: queueID, certificateProblems: certificateProblems)
    }

    /// A verdict of the check's own (what the server's answers mean), carried to the result.
    struct CheckFailure: MailconfError {
        var kind: FailureKind
        var message: String
        var description: String { message }
    }

    static func authenticate(_ session: SMTPSession, username: String, secret: Secret, mechanism: String?) async throws -> String {
        guard let mechanism else { return try await session.authenticate(username: username, password: secret) }
        try await session.authenticate(mechanism: mechanism, username: username, secret: secret)
        return mechanism.uppercased()
    }
}
