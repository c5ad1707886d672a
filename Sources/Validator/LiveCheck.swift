import Failures
import Foundation
import IMAPClient
import MailSession
import MailNet
import MailSettings
import POP3Client
import SMTPClient

/// Runs the live checks on mailconf's own clients: one path for SMTP, IMAP and POP3,
/// which differ only in the steps between opening and closing the session.
public enum LiveCheck {

    public static func verify(_ request: VerifyRequest) async -> VerifyResult {
        switch request.setting.protocol {
        case .imap: return await check(IMAPSession(options: request.sessionOptions(defaultPort: 993)), request, steps: incomingSteps)
        case .pop3: return await check(POP3Session(options: request.sessionOptions(defaultPort: 995)), request, steps: incomingSteps)
        default: return await check(SMTPSession(options: request.sessionOptions(defaultPort: 25)), request, steps: smtpSteps)
        }
    }

    /// What a check's steps found beyond the session itself.
    struct Outcome {
        var mechanismUsed: String?
        /// The sentence for a check that worked, when more than "works".
        var message = "works"
        var queueID: String?
    }

    /// A verdict of the check's own (what the server's answers mean), carried to the result.
    struct CheckFailure: MailconfError {
        var kind: FailureKind
        var message: String
        var description: String { message }
    }

    /// The one verify path: the protocol's `steps` on the session, the failure they met
    /// (with every problem of the certificate when that was it), the session closed, and
    /// the result from what the session learnt.
    static func check<Session: VerifiableSession>(
        _ session: Session, _ request: VerifyRequest, steps: (Session, VerifyRequest) async throws -> Outcome
    ) async -> VerifyResult {
        let started = Date()
        var outcome = Outcome()
        var kind: FailureKind?
        var certificateProblems: [FailureKind]?
        do {
            outcome = try await steps(session, request)
        } catch let e as any MailconfError {
            kind = e.kind
            outcome.message = e.message
            if let failure = (e as? any SessionError)?.tlsFailure, failure.kind != .tlsHandshakeFailed {
                certificateProblems = failure.problems.map(\.kind)
            }
        } catch {
            kind = .protocolError
            outcome.message = "\(error)"
        }
        await session.close()
        return VerifyResult(
            setting: request.setting.summary, ok: kind == nil, kind: kind, message: outcome.message,
            addresses: session.addressesTried,
            capabilitiesBeforeTLS: session.capabilitiesBeforeTLS?.keywords,
            capabilities: session.capabilities?.keywords,
            authMechanisms: session.capabilities?.saslMechanisms,
            mechanismUsed: outcome.mechanismUsed, tls: await session.tls,
            timings: PhaseTiming.phases(of: session.transcript),
            transcript: request.keepTranscript ? session.transcript : nil,
            totalSeconds: Date().timeIntervalSince(started), queueID: outcome.queueID, certificateProblems: certificateProblems)
    }
}

extension VerifyRequest {
    /// The session options this request asks for, on the protocol's `defaultPort` when
    /// the setting names none.
    func sessionOptions<Limits: SessionLimits>(defaultPort: Int) -> SessionOptions<Limits> {
        let s = setting
        return SessionOptions(host: s.hostname?.name ?? "", port: Int(s.port?.value ?? UInt16(defaultPort)), tls: TLSMode(s.security),
                              trust: trust, connectTimeout: timeout, replyTimeout: timeout,
                              allowPlaintextPassword: allowPlaintextAuth, resolver: resolver ?? SystemResolver())
    }
}

extension TLSMode {
    /// How a setting's security is spoken on the wire.
    init(_ security: ConnectionSecurity?) {
        self = security == .tls ? .implicit : security == .starttls ? .startTLS : .none
    }
}
