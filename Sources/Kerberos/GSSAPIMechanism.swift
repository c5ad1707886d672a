import CGSSAPI
import Foundation
import SMTPClient

/// SASL GSSAPI (RFC 4752) over MIT Kerberos: the client's ticket for `smtp@HOST`, mutual
/// authentication, then the security-layer exchange, in which mailconf always chooses
/// "no security layer" (TLS is the channel's protection). No password is involved.
///
/// Getting a service ticket may ask the KDC over the network, so call ``prepare(timeout:)``
/// before AUTH: it does that work off Swift's cooperative threads, with a deadline.
public struct GSSAPIMechanism: SASLMechanism {
    public let name = "GSSAPI"
    public let exposesPassword = false
    private let context: GSSClientContext

    /// - Parameters:
    ///   - host: the server's host name, as in its keytab (not an IP address).
    ///   - authorizationIdentity: who to act as; empty means the principal itself.
    public init(host: String, options: KerberosOptions = KerberosOptions(), authorizationIdentity: String = "") {
        context = GSSClientContext(service: options.service(forHost: host), options: options,
                                   authorizationIdentity: authorizationIdentity)
    }

    /// The service principal the ticket is for.
    public var servicePrincipal: String { context.service }

    /// Finds the credentials and makes the first token (the KDC is asked here), off the
    /// cooperative thread pool and bounded by `timeout` seconds.
    public func prepare(timeout: Double) async throws(SASLError) {
        let context = self.context
        let outcome: Result<Void, SASLError> = await runBlocking(timeout: timeout, onTimeout: .failure(.mechanismFailed(
            mechanism: "GSSAPI", kind: "kerberos-realm-unreachable",
            message: "no answer from the Kerberos KDC within \(timeout) s while getting a ticket for \(context.service): check the network path to the KDC and krb5.conf's kdc lines"))) {
            do throws(SASLError) { try context.prepareFirstToken() } catch { return .failure(error) }
            return .success(())
        }
        try outcome.get()
    }

    public mutating func start() throws(SASLError) -> [UInt8]? {
        try context.firstToken()
    }

    public mutating func next(challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        try context.answer(challenge)
    }
}

/// The GSS-API state of one login: credentials, the security context and where the
/// RFC 4752 exchange stands. Used by one login at a time; a lock keeps the handles safe
/// when ``GSSAPIMechanism/prepare(timeout:)`` ran on another thread.
final class GSSClientContext: @unchecked Sendable {
    let service: String
    let options: KerberosOptions
    let authorizationIdentity: String
    private let lock = NSLock()
    private var credential: gss_cred_id_t?
    private var security: gss_ctx_id_t?
    private var target: gss_name_t?
    private var preparedToken: [UInt8]?
    private var established = false
    private var layerChosen = false

    init(service: String, options: KerberosOptions, authorizationIdentity: String) {
        self.service = service
        self.options = options
        self.authorizationIdentity = authorizationIdentity
    }

    deinit {
        var minor: OM_uint32 = 0
        if security != nil { gss_delete_sec_context(&minor, &security, nil) }
        if credential != nil { gss_release_cred(&minor, &credential) }
        if target != nil { gss_release_name(&minor, &target) }
    }

    private func failure(_ status: GSSStatus) -> SASLError {
        let f = KerberosFailure.classify(status, KerberosFailure.Context(options: options, service: service))
        return .mechanismFailed(mechanism: "GSSAPI", kind: f.kind, message: f.message)
    }

    private func protocolFailure(_ message: String) -> SASLError {
        .mechanismFailed(mechanism: "GSSAPI", kind: "sasl-error", message: message)
    }

    func prepareFirstToken() throws(SASLError) {
        lock.lock()
        defer { lock.unlock() }
        guard preparedToken == nil, security == nil else { return }
        preparedToken = try step(nil)
    }

    func firstToken() throws(SASLError) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        if let token = preparedToken {
            preparedToken = nil
            return token
        }
        guard security == nil else { throw SASLError.unexpectedChallenge(mechanism: "GSSAPI") }
        return try step(nil)
    }

    func answer(_ challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if !established { return try step(challenge) }
        guard !layerChosen else { throw SASLError.unexpectedChallenge(mechanism: "GSSAPI") }
        // RFC 4752 section 3.1: the server's wrapped offer: one octet of security layers
        // it supports, then its largest buffer. mailconf answers "no security layer".
        let offer = try unwrap(challenge)
        guard offer.count == 4 else {
            throw protocolFailure("the server's GSSAPI security-layer offer has \(offer.count) octets, not 4 (RFC 4752 section 3.1)")
        }
        guard offer[0] & 0x01 != 0 else {
            throw protocolFailure("the server insists on a GSSAPI integrity or privacy layer (offer 0x\(String(offer[0], radix: 16))); mailconf supports only \"no security layer\", with TLS protecting the connection")
        }
        layerChosen = true
        return try wrap([0x01, 0, 0, 0] + Array(authorizationIdentity.utf8))
    }

    /// One gss_init_sec_context round; acquires credentials and imports the name first.
    private func step(_ input: [UInt8]?) throws(SASLError) -> [UInt8] {
        if target == nil { try importTarget() }
        if credential == nil { try acquireCredential() }
        let r = gssCall(input) { minor, token, output in
            gss_init_sec_context(&minor, credential, &security, target, mailconf_gss_mech_krb5(),
                                 OM_uint32(GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG), 0, nil, token, nil, &output, nil, nil)
        }
        if r.failed {
            throw failure(GSSStatus(call: input == nil ? "getting a service ticket" : "checking the server's reply", major: r.major, minor: r.minor))
        }
        if r.major & mailconf_gss_s_continue_needed() == 0 { established = true }
        return r.output
    }

    private func importTarget() throws(SASLError) {
        guard !service.utf8.contains(where: { $0 < 0x20 }) else {
            throw SASLError.invalidCharacter(field: "service principal")
        }
        // `smtp@host` is a host-based service name; anything with a slash is a Kerberos name.
        let type = service.contains("/") ? mailconf_gss_krb5_nt_principal_name() : mailconf_gss_nt_hostbased_service()
        target = try importName(service, type: type, call: "import the service name")
    }

    private func importName(_ text: String, type: gss_OID?, call: String) throws(SASLError) -> gss_name_t? {
        var minor: OM_uint32 = 0
        var name: gss_name_t?
        var bytes = Array(text.utf8)
        let major = bytes.withUnsafeMutableBytes { raw -> OM_uint32 in
            var buffer = gss_buffer_desc(length: raw.count, value: raw.baseAddress)
            return gss_import_name(&minor, &buffer, type, &name)
        }
        if mailconf_gss_is_error(major) != 0 { throw failure(GSSStatus(call: call, major: major, minor: minor)) }
        return name
    }

    private func acquireCredential() throws(SASLError) {
        var desired: gss_name_t?
        if let principal = options.principal {
            guard !principal.utf8.contains(where: { $0 < 0x20 }) else { throw SASLError.invalidCharacter(field: "principal") }
            desired = try importName(principal, type: mailconf_gss_krb5_nt_principal_name(), call: "import the principal")
        }
        defer { var m: OM_uint32 = 0; if desired != nil { gss_release_name(&m, &desired) } }
        var store: [(String, String)] = []
        if let keytab = options.keytab {
            store.append(("client_keytab", keytab))
            // Tickets from the keytab stay in this process, not in the user's cache.
            store.append(("ccache", options.credentialCache ?? "MEMORY:mailconf-\(UUID().uuidString)"))
        } else if let cache = options.credentialCache {
            store.append(("ccache", cache))
        }
        var minor: OM_uint32 = 0
        var mechs = gss_OID_set_desc(count: 1, elements: mailconf_gss_mech_krb5())
        let major: OM_uint32 = withCStrings(store.flatMap { [$0.0, $0.1] }) { pointers in
            var elements = stride(from: 0, to: pointers.count, by: 2).map {
                gss_key_value_element_desc(key: pointers[$0], value: pointers[$0 + 1])
            }
            return elements.withUnsafeMutableBufferPointer { buffer in
                var set = gss_key_value_set_desc(count: OM_uint32(buffer.count), elements: buffer.baseAddress)
                return gss_acquire_cred_from(&minor, desired, OM_uint32(GSS_C_INDEFINITE), &mechs,
                                             gss_cred_usage_t(GSS_C_INITIATE), &set, &credential, nil, nil)
            }
        }
        if mailconf_gss_is_error(major) != 0 {
            throw failure(GSSStatus(call: "finding your Kerberos credentials", major: major, minor: minor))
        }
    }

    private func unwrap(_ token: [UInt8]) throws(SASLError) -> [UInt8] {
        let r = gssCall(token) { minor, input, output in gss_unwrap(&minor, security, input, &output, nil, nil) }
        if r.failed { throw failure(GSSStatus(call: "reading the server's security-layer offer", major: r.major, minor: r.minor)) }
        return r.output
    }

    private func wrap(_ message: [UInt8]) throws(SASLError) -> [UInt8] {
        let r = gssCall(message) { minor, input, output in
            gss_wrap(&minor, security, 0, gss_qop_t(GSS_C_QOP_DEFAULT), input, nil, &output)
        }
        if r.failed { throw failure(GSSStatus(call: "answering the security-layer offer", major: r.major, minor: r.minor)) }
        return r.output
    }
}

/// Calls `body` with C strings that live for the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) })
}
