import Failures
import IMAPClient
import MailSettings
import POP3Client

extension LiveCheck {
    /// Port and security pairs worth trying when a setting fails, best first (RFC 8314).
    public static let standardAlternatives: [(port: UInt16, security: ConnectionSecurity)] = [
        (465, .tls), (587, .starttls), (2525, .starttls), (25, .starttls),
    ]

    /// The usual ports of a protocol, implicit TLS first (RFC 8314).
    public static func standardAlternatives(for proto: ServerProtocol) -> [(port: UInt16, security: ConnectionSecurity)] {
        switch proto {
        case .imap: return [(993, .tls), (143, .starttls)]
        case .pop3: return [(995, .tls), (110, .starttls)]
        default: return standardAlternatives
        }
    }

    /// Failures that another port, security or mechanism on the same host may get around.
    static let worthProbing: Set<FailureKind> = [
        .connectionRefused, .connectionTimeout, .connectionFailed, .greetingTimeout, .timeout, .tlsHandshakeFailed, .tlsHandshakeTimeout, .notSMTP,
        .startTLSNotOffered, .tlsRequired, .authNotOffered, .authMechanismNotOffered, .plaintextAuthRefused,
        .connectionClosed, .protocolError, .gssapiNotOffered, .notIMAP, .notPOP3,
    ]


    /// Verifies the setting; when it fails in a way another setting may fix, tries the
    /// alternatives on the same host at once and names the first that works.
    public static func verifyWithAlternatives(
        _ request: VerifyRequest,
        alternatives given: [(port: UInt16, security: ConnectionSecurity)]? = nil,
        probeTimeout: Double = 5
    ) async -> VerifyResult {
        let alternatives = given ?? standardAlternatives(for: request.setting.protocol)
        var result = await verify(request)
        guard !result.ok, let kind = result.kind, worthProbing.contains(kind),
              let port = request.setting.port, let security = request.setting.security else { return result }
        var probes: [(VerifyRequest, String?)] = []
        let token = request.usesToken
        if token && kind == .authMechanismNotOffered {
            // A token is not a password: say what the server offers instead of trying it.
            let offered = result.authMechanisms ?? []
            result.suggestion = "the server does not offer XOAUTH2"
                + (offered.isEmpty ? "" : "; it offers AUTH \(offered.joined(separator: " ")): use a password (an app password) with one of those")
            return result
        }
        if !token && !request.usesKerberos && (kind == .authMechanismNotOffered || kind == .plaintextAuthRefused || kind == .authNotOffered) {
            var same = request
            same.mechanism = nil
            same.keepTranscript = false
            probes.append((same, nil))
        }
        // "Right port, wrong security" is the commonest mistake: the same port with each
        // other security first (STARTTLS, then TLS, then none), then the usual ports.
        let samePort = [ConnectionSecurity.starttls, .tls, .none].filter { $0 != security }.map { (port: port.value, security: $0) }
        var tried: Set<String> = ["\(port.value) \(security)"]
        for alt in samePort + alternatives where tried.insert("\(alt.port) \(alt.security)").inserted {
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
        // A check asked to stop before the login (no password given) counts a setting
        // that got as far as the login as working.
        let reachedLogin = { (r: VerifyResult) in r.ok || (!request.logIn && r.kind == .credentialsMissing) }
        if let works = outcomes.first(where: reachedLogin) {
            let how = works.setting == result.setting ? "with AUTH \(works.mechanismUsed ?? "another mechanism")" : works.setting
            result.suggestion = "\(explain(kind, port: port.value, security: security))\(how) works\(works.ok ? "" : " (as far as the login, which was not tried)")"
        }
        return result
    }

    static func explain(_ kind: FailureKind, port: UInt16, security: ConnectionSecurity) -> String {
        if WellKnownPorts.implicitTLS.contains(port) && security != .tls {
            return "port \(port) expects SSL/TLS from the first byte; "
        }
        if WellKnownPorts.plaintextFirst.contains(port) && security == .tls {
            return "port \(port) starts in plaintext (STARTTLS); "
        }
        switch kind {
        case .tlsRequired: return "the server wants STARTTLS first; "
        case .authMechanismNotOffered: return "the server does not offer that mechanism; "
        case .gssapiNotOffered: return "this port does not offer Kerberos (GSSAPI); "
        default: return ""
        }
    }
}
