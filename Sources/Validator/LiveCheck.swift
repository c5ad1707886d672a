import Foundation
import Kerberos
import MailNet
import MailSettings
import SMTPClient

/// What to verify live, and with which credentials.
public struct VerifyRequest: Sendable {
    public var setting: ServerSetting
    public var username: String?
    /// A password, or for XOAUTH2 an access token.
    public var secret: Secret?
    /// PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or GSSAPI; nil picks the strongest password
    /// mechanism offered (GSSAPI when Kerberos is the setting's way and no password is given).
    public var mechanism: String?
    /// For GSSAPI: the credential cache or keytab, the client and the service principal.
    public var kerberos = KerberosOptions()
    public var trust: TrustPolicy
    public var allowPlaintextAuth: Bool
    public var timeout: Double
    public var sender: String?
    public var recipients: [String]
    public var keepTranscript: Bool
    /// How the host's addresses are found (discovery's own DNS and overrides); the
    /// system's resolver when nil.
    public var resolver: (any AddressResolver)? = nil
    /// False: stop before AUTH even when credentials are at hand, as a Kerberos ticket
    /// always may be (discovery's probes log in nowhere).
    public var logIn = true

    public init(setting: ServerSetting, username: String? = nil, secret: Secret? = nil, mechanism: String? = nil,
                trust: TrustPolicy = .system, allowPlaintextAuth: Bool = false, timeout: Double = 15,
                sender: String? = nil, recipients: [String] = [], keepTranscript: Bool = false) {
        self.setting = setting
        self.username = username
        self.secret = secret
        self.mechanism = mechanism
        self.trust = trust
        self.allowPlaintextAuth = allowPlaintextAuth
        self.timeout = timeout
        self.sender = sender
        self.recipients = recipients
        self.keepTranscript = keepTranscript
    }
}

extension VerifyRequest {
    /// The secret is an OAuth2 access token: XOAUTH2 was asked for, or OAuth2 is the
    /// setting's way of logging in with what is at hand.
    var usesToken: Bool {
        if let m = mechanism { return m.uppercased() == "XOAUTH2" }
        return setting.loginPlan(secretAtHand: secret != nil) == .oauth2
    }

    /// The login is Kerberos (SASL GSSAPI): asked for, or the setting's way of logging in
    /// with what is at hand (``MailSettings/ServerSetting/loginPlan(secretAtHand:)``).
    public var usesKerberos: Bool {
        if let m = mechanism { return m.uppercased() == "GSSAPI" }
        return setting.loginPlan(secretAtHand: secret != nil) == .kerberos
    }
}

/// The outcome of one live check: ok, or a stable failure kind and a sentence for people,
/// with what was learnt on the way.
public struct VerifyResult: Sendable, Codable {
    public var setting: String
    public var ok: Bool
    /// Stable machine-readable failure kind (`tls-required`, `auth-rejected`, …); nil when ok.
    public var kind: String?
    public var message: String
    public var addresses: [AddressAttempt]
    public var capabilitiesBeforeTLS: [String]?
    public var capabilities: [String]?
    public var authMechanisms: [String]?
    public var mechanismUsed: String?
    public var tls: TLSDetails?
    /// Seconds spent in each phase, in order.
    public var timings: [PhaseTiming]
    public var transcript: Transcript?
    public var totalSeconds: Double
    /// Other settings on the same host tried after a failure, in order of preference.
    public var alternatives: [AlternativeOutcome]? = nil
    /// The first alternative that works, said for people.
    public var suggestion: String? = nil
    /// The server's queue id for the test message, when it said one.
    public var queueID: String? = nil
    /// How many times a temporary (4xx) refusal of the test message was retried.
    public var retries: Int = 0
}

public struct AlternativeOutcome: Sendable, Codable, Equatable {
    public var setting: String
    public var mechanism: String?
    public var ok: Bool
    public var kind: String?
}

public struct PhaseTiming: Sendable, Codable, Equatable {
    public var phase: String
    public var seconds: Double
}

/// Runs the live checks on mailconf's own SMTP client.
public enum LiveCheck {
    /// Port and security pairs worth trying when a setting fails, best first (RFC 8314).
    public static let standardAlternatives: [(port: UInt16, security: ConnectionSecurity)] = [
        (465, .tls), (587, .starttls), (2525, .starttls), (25, .starttls),
    ]

    /// Failures that another port, security or mechanism on the same host may get around.
    static let worthProbing: Set<String> = [
        "connection-refused", "connection-timeout", "connection-failed", "greeting-timeout", "timeout", "tls-handshake-failed", "not-smtp",
        "starttls-not-offered", "tls-required", "auth-not-offered", "auth-mechanism-not-offered", "plaintext-auth-refused",
        "connection-closed", "protocol-error", "gssapi-not-offered",
    ]

    /// Verifies the setting; when it fails in a way another setting may fix, tries the
    /// alternatives on the same host at once and names the first that works.
    public static func verifyWithAlternatives(
        _ request: VerifyRequest,
        alternatives: [(port: UInt16, security: ConnectionSecurity)] = standardAlternatives,
        probeTimeout: Double = 5
    ) async -> VerifyResult {
        var result = await verify(request)
        guard !result.ok, let kind = result.kind, worthProbing.contains(kind),
              let port = request.setting.port, let security = request.setting.security else { return result }
        var probes: [(VerifyRequest, String?)] = []
        let token = request.usesToken
        if token && kind == "auth-mechanism-not-offered" {
            // A token is not a password: say what the server offers instead of trying it.
            let offered = result.authMechanisms ?? []
            result.suggestion = "the server does not offer XOAUTH2"
                + (offered.isEmpty ? "" : "; it offers AUTH \(offered.joined(separator: " ")): use a password (an app password) with one of those")
            return result
        }
        if !token && !request.usesKerberos && (kind == "auth-mechanism-not-offered" || kind == "plaintext-auth-refused" || kind == "auth-not-offered") {
            var same = request
            same.mechanism = nil
            same.keepTranscript = false
            probes.append((same, nil))
        }
        for alt in alternatives where !(alt.port == port.value && alt.security == security) {
            var r = request
            r.setting.port = Port(integerLiteral: alt.port)
            r.setting.security = alt.security
            r.timeout = min(request.timeout, probeTimeout)
            r.keepTranscript = false
            probes.append((r, nil))
        }
        let outcomes = await withTaskGroup(of: (Int, VerifyResult).self) { group in
            for (i, probe) in probes.enumerated() { group.addTask { (i, await verify(probe.0)) } }
            var all: [(Int, VerifyResult)] = []
            for await item in group { all.append(item) }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
        result.alternatives = outcomes.map { AlternativeOutcome(setting: $0.setting, mechanism: $0.mechanismUsed, ok: $0.ok, kind: $0.kind) }
        if let works = outcomes.first(where: \.ok) {
            let how = works.setting == result.setting ? "with AUTH \(works.mechanismUsed ?? "another mechanism")" : works.setting
            result.suggestion = "\(explain(kind, port: port.value, security: security))\(how) works"
        }
        return result
    }

    static func explain(_ kind: String, port: UInt16, security: ConnectionSecurity) -> String {
        if Linter.implicitTLSPorts.contains(port) && security != .tls {
            return "port \(port) expects SSL/TLS from the first byte; "
        }
        if Linter.plaintextFirstPorts.contains(port) && security == .tls {
            return "port \(port) starts in plaintext (STARTTLS); "
        }
        switch kind {
        case "tls-required": return "the server wants STARTTLS first; "
        case "auth-mechanism-not-offered": return "the server does not offer that mechanism; "
        case "gssapi-not-offered": return "this port does not offer Kerberos (GSSAPI); "
        default: return ""
        }
    }

    public static func verify(_ request: VerifyRequest) async -> VerifyResult {
        let s = request.setting
        let started = Date()
        let mode: TLSMode = s.security == .tls ? .implicit : s.security == .starttls ? .startTLS : .none
        let session = SMTPSession(options: SMTPSessionOptions(
            host: s.hostname?.name ?? "", port: Int(s.port?.value ?? 25), tls: mode, trust: request.trust,
            connectTimeout: request.timeout, replyTimeout: request.timeout, allowPlaintextPassword: request.allowPlaintextAuth,
            resolver: request.resolver ?? SystemResolver()))
        var kind: String?
        var message = "works"
        var mechanismUsed: String?
        var queueID: String?
        do {
            try await session.open(checking: [request.username, request.sender].compactMap { $0 } + request.recipients)
            // A mechanism asked for by name means a login, whatever the setting says.
            let needsAuth = request.mechanism != nil || s.loginPlan(secretAtHand: request.secret != nil) != .noLogin
            if needsAuth && !request.logIn {
                throw CheckFailure(kind: "credentials-missing", message: "the login was not tried: this check stops before AUTH")
            }
            if needsAuth && request.usesKerberos {
                mechanismUsed = try await kerberosLogin(session, request)
            } else if needsAuth {
                guard let username = request.username, let secret = request.secret else {
                    throw CheckFailure(kind: "credentials-missing", message: "this setting needs a username and a password (or token); give them to verify the login")
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
                    throw CheckFailure(kind: "bounced", message: "the server refused the test message at \(phase.uppercased()): \(reply)")
                } catch SMTPClientError.unexpectedReply(let phase, let reply) where reply.isTransientFailure {
                    throw CheckFailure(kind: "deferred", message: "the server deferred the test message at \(phase.uppercased()): \(reply)")
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
        } catch {
            kind = "protocol-error"
            message = "\(error)"
        }
        await session.close()
        return VerifyResult(
            setting: s.summary, ok: kind == nil, kind: kind, message: message,
            addresses: session.addressesTried,
            capabilitiesBeforeTLS: session.capabilitiesBeforeTLS.map(keywords),
            capabilities: session.capabilities.map(keywords),
            authMechanisms: session.capabilities?.authMechanisms,
            mechanismUsed: mechanismUsed, tls: session.tls,
            timings: timings(session.transcript),
            transcript: request.keepTranscript ? session.transcript : nil,
            totalSeconds: Date().timeIntervalSince(started), queueID: queueID)
    }

    /// A recipient in a reserved domain (RFC 2606) that no server delivers for itself: taking
    /// it means the server would relay for this client.
    static let relayProbeRecipient = "mailconf-probe@example.com"

    /// What the envelope probe's replies say about this client's standing with the server.
    static func classify(_ mail: SMTPReply, _ rcpt: SMTPReply?, authenticated: Bool) throws {
        if mail.code == 530 || (mail.isPermanentFailure && mail.enhancedCode?.description == "5.7.0") {
            if mail.text.uppercased().contains("STARTTLS") {
                throw CheckFailure(kind: "tls-required", message: "the server wants STARTTLS before mail: \(mail)")
            }
            throw CheckFailure(kind: "auth-required", message: "the server wants authentication before mail: \(mail)")
        }
        guard mail.isPositive else {
            throw CheckFailure(kind: "sender-rejected", message: "the server refused MAIL FROM: \(mail)")
        }
        guard let rcpt, rcpt.isPermanentFailure else { return }
        let text = rcpt.text.lowercased()
        let policy = rcpt.code == 530 || rcpt.enhancedCode.map { $0.subject == 7 } == true
            || text.contains("relay") || text.contains("authenticat") || text.contains("access denied")
        guard policy else { return }
        if authenticated {
            throw CheckFailure(kind: "relay-refused",
                               message: "logged in, but the server refused a recipient in another domain at RCPT: \(rcpt)")
        }
        throw CheckFailure(kind: "auth-required",
                           message: "the server took MAIL FROM but refused a recipient in another domain at RCPT, so it relays only after authentication: \(rcpt)")
    }

    /// Sends the test message, retrying a temporary (4xx) refusal a bounded number of
    /// times with a growing pause; a 5xx is a bounce and is not retried.
    public static func verifySending(_ request: VerifyRequest, attempts: Int = 3, firstPause: Double = 1) async -> VerifyResult {
        var pause = firstPause
        var result = await verify(request)
        var retries = 0
        while result.kind == "deferred" && retries < attempts - 1 {
            try? await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            pause *= 2
            retries += 1
            result = await verify(request)
        }
        result.retries = retries
        return result
    }

    /// "250 2.0.0 Ok: queued as 4F2A1C" → "4F2A1C" (Postfix, Exim "id=", and most others).
    static func queueID(in reply: SMTPReply) -> String? {
        let text = reply.text
        for marker in ["queued as ", "id=", "queued with id "] {
            if let r = text.range(of: marker, options: .caseInsensitive) {
                let id = text[r.upperBound...].prefix { !$0.isWhitespace && $0 != ")" && $0 != "," }
                if !id.isEmpty { return String(id) }
            }
        }
        return nil
    }

    /// postmaster at the server's own name (an address literal for an IP): a sender every
    /// server can parse, used only for MAIL FROM followed by RSET.
    static func defaultSender(for host: Hostname?) -> String {
        guard let host else { return "postmaster@localhost" }
        if host.isIPAddress { return "postmaster@[\(host.name.contains(":") ? "IPv6:" + host.name : host.name)]" }
        return "postmaster@\(host.name)"
    }

    struct CheckFailure: Error {
        var kind: String
        var message: String
    }

    static func authenticate(_ session: SMTPSession, username: String, secret: Secret, mechanism: String?) async throws -> String {
        guard let mechanism else { return try await session.authenticate(username: username, password: secret) }
        try await session.authenticate(mechanism: mechanism, username: username, secret: secret)
        return mechanism.uppercased()
    }

    /// SASL GSSAPI with the caller's Kerberos ticket (or keytab). The ticket is got before
    /// AUTH, off the cooperative threads; a server that refuses it gets a sentence on why
    /// a server refuses a ticket the KDC issued.
    static func kerberosLogin(_ session: SMTPSession, _ request: VerifyRequest) async throws -> String {
        // No Kerberos library on this machine: that is the answer, whatever the server offers.
        if let missing = GSSAPIMechanism.unavailability { throw CheckFailure(kind: missing.kind, message: missing.message) }
        let host = request.setting.hostname?.name ?? ""
        let offered = session.capabilities?.authMechanisms ?? []
        let mechanism = GSSAPIMechanism(host: host, options: request.kerberos, authorizationIdentity: request.username ?? "")
        guard offered.contains("GSSAPI") else {
            throw CheckFailure(kind: "gssapi-not-offered", message: offered.isEmpty
                ? "the server offers no AUTH at all here, so no Kerberos (GSSAPI) login"
                : "the server does not offer Kerberos (AUTH GSSAPI) here; it offers \(offered.joined(separator: ", "))")
        }
        do {
            do { try await mechanism.prepare(timeout: request.timeout) } catch { throw SMTPClientError.sasl(error) }
            try await session.authenticate(mechanism)
        } catch SMTPClientError.authRejected(let reply) {
            let who = request.kerberos.principal ?? "your principal"
            throw CheckFailure(kind: "kerberos-rejected", message:
                "the server refused the Kerberos ticket for \(mechanism.servicePrincipal) (\(reply)): the KDC issued it, so either the server's keytab has no current key for that principal (a wrong or outdated keytab, or the host name is not the one in its keytab; try the name it has with --service-principal), or the server's clock is off, or \(who) may not log in\(request.username.map { " as \($0)" } ?? "")")
        }
        return "GSSAPI"
    }

    static func keywords(_ c: Capabilities) -> [String] {
        var k: [String] = []
        if let size = c.size { k.append(size > 0 ? "SIZE \(size)" : "SIZE") }
        if c.startTLS { k.append("STARTTLS") }
        if !c.authMechanisms.isEmpty { k.append("AUTH " + c.authMechanisms.joined(separator: " ")) }
        if c.pipelining { k.append("PIPELINING") }
        if c.eightBitMIME { k.append("8BITMIME") }
        if c.enhancedStatusCodes { k.append("ENHANCEDSTATUSCODES") }
        if c.smtpUTF8 { k.append("SMTPUTF8") }
        if c.chunking { k.append("CHUNKING") }
        if c.dsn { k.append("DSN") }
        if c.requireTLS { k.append("REQUIRETLS") }
        return k + c.other
    }

    /// Time per phase from the transcript: from a phase's first entry to the next phase's first.
    static func timings(_ t: Transcript) -> [PhaseTiming] {
        var out: [PhaseTiming] = []
        var current: (phase: String, start: Double)?
        for e in t.entries {
            if current?.phase != e.phase {
                if let c = current { out.append(PhaseTiming(phase: c.phase, seconds: e.time - c.start)) }
                current = (e.phase, e.time)
            }
        }
        if let c = current, let last = t.entries.last { out.append(PhaseTiming(phase: c.phase, seconds: last.time - c.start)) }
        return out
    }

    /// "Sun, 29 Nov 2026 07:04:55 +0000" (RFC 5322 section 3.3), in UTC whatever the local zone.
    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 0)
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }

    static func testMessage(from sender: String, to recipients: [String]) -> [UInt8] {
        let now = Date()
        let date = rfc5322Date(now)
        let id = "\(UUID().uuidString.lowercased())@mailconf.invalid"
        let text = """
        From: <\(sender)>\r
        To: \(recipients.map { "<\($0)>" }.joined(separator: ", "))\r
        Date: \(date)\r
        Message-ID: <\(id)>\r
        Subject: mailconf test message \(now.formatted(.iso8601))\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        This message was sent by mailconf verify to check these settings.\r

        """
        return Array(text.utf8)
    }
}
