import Failures
import SMTPClient

/// The steps of an SMTP check: the session opened (every value that will go into a
/// command checked first), the login when the setting has one, then the test message
/// or the envelope probe.
extension LiveCheck {
    static func smtpSteps(_ session: SMTPSession, _ request: VerifyRequest) async throws -> Outcome {
        var outcome = Outcome()
        try await session.open(checking: [request.username, request.sender].compactMap { $0 } + request.recipients)
        if let login = try loginCredentials(request, stopsBefore: "AUTH") {
            // A port that offers AUTH only after STARTTLS says so by offering STARTTLS and
            // no AUTH in plaintext: the fix is STARTTLS, not another mechanism.
            if !session.isEncrypted, let caps = session.capabilities, caps.startTLS, caps.authMechanisms.isEmpty {
                throw CheckFailure(kind: .tlsRequired, message:
                    "this port offers AUTH only after STARTTLS: its plaintext EHLO offers STARTTLS and no AUTH; set the security to STARTTLS")
            }
            outcome.mechanismUsed = try await session.logIn(login, request)
        }
        let s = request.setting
        if let sender = request.sender, !request.recipients.isEmpty {
            do {
                let reply = try await session.send(from: sender, to: request.recipients,
                                                   message: testMessage(from: sender, to: request.recipients))
                outcome.queueID = Self.queueID(in: reply)
                outcome.message = "works; test message accepted: \(reply.text)"
            } catch SMTPClientError.unexpectedReply(let phase, let reply) where reply.isPermanentFailure {
                throw CheckFailure(kind: .bounced, message: "the server refused the test message at \(phase.uppercased()): \(reply)")
            } catch SMTPClientError.unexpectedReply(let phase, let reply) where reply.isTransientFailure {
                throw CheckFailure(kind: .deferred, message: "the server deferred the test message at \(phase.uppercased()): \(reply)")
            }
        } else {
            // Would the server take mail from this client as it is? Nothing is sent:
            // MAIL FROM, RCPT TO an address elsewhere, RSET.
            let probe = try await session.probeEnvelope(from: request.sender ?? defaultSender(for: s.hostname), to: relayProbeRecipient)
            try classify(probe.mail, probe.rcpt, authenticated: outcome.mechanismUsed != nil)
        }
        return outcome
    }
}
