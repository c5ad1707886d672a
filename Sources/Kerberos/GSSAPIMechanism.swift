import Failures
import Foundation
import SASL

/// SASL GSSAPI (RFC 4752) over MIT Kerberos: the client's ticket for `smtp@HOST` (or
/// `imap@HOST`, `pop@HOST`), mutual authentication, then the security-layer exchange,
/// in which mailconf always chooses
/// "no security layer" (TLS is the channel's protection). No password is involved.
///
/// MIT Kerberos' GSS-API library is opened on first use (``GSSAPILibrary``); where it
/// cannot be, every step fails with `kerberos-unavailable`, naming the package to install.
/// Getting a service ticket may ask the KDC over the network, so call ``prepare(timeout:)``
/// before AUTH: it does that work off Swift's cooperative threads, with a deadline.
public struct GSSAPIMechanism: SASLMechanism {
    public let name = MechanismName.gssapi
    public let exposesPassword = false
    private let context: GSSClientContext

    /// - Parameters:
    ///   - host: the server's host name, as in its keytab (not an IP address).
    ///   - service: the protocol's service name: `smtp`, `imap`, or `pop` for POP3.
    ///   - authorizationIdentity: who to act as; empty means the principal itself.
    public init(host: String, service: String = "smtp", options: KerberosOptions = KerberosOptions(),
                authorizationIdentity: String = "") {
        self.init(host: host, service: service, options: options, authorizationIdentity: authorizationIdentity,
                  library: GSSAPILibrary.shared)
    }

    /// With a library of the caller's choosing (tests), or the failure to load one.
    package init(host: String, service: String = "smtp", options: KerberosOptions, authorizationIdentity: String,
                 library: Result<GSSAPILibrary, KerberosFailure>) {
        context = GSSClientContext(service: options.service(forHost: host, service: service), options: options,
                                   authorizationIdentity: authorizationIdentity, library: library)
    }

    /// Whether Kerberos can be used on this machine at all: nil when MIT Kerberos' GSS-API
    /// library loads, else why not (kind `kerberos-unavailable`, with what to install).
    public static var unavailability: KerberosFailure? {
        if case .failure(let failure) = GSSAPILibrary.shared { return failure }
        return nil
    }

    /// The service principal the ticket is for.
    public var servicePrincipal: String { context.service }

    /// Finds the credentials and makes the first token (the KDC is asked here), off the
    /// cooperative thread pool and bounded by `timeout` seconds.
    public func prepare(timeout: Double) async throws(SASLError) {
        let context = self.context
        let outcome: Result<Void, SASLError> = await runBlocking(timeout: timeout, onTimeout: .failure(.mechanismFailed(
            mechanism: MechanismName.gssapi.text, kind: .kerberosRealmUnreachable,
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
    private let library: Result<GSSAPILibrary, KerberosFailure>
    private let lock = NSLock()
    private var credential: GSSHandle?
    private var security: GSSHandle?
    private var target: GSSHandle?
    private var preparedToken: [UInt8]?
    private var established = false
    private var layerChosen = false

    init(service: String, options: KerberosOptions, authorizationIdentity: String,
         library: Result<GSSAPILibrary, KerberosFailure>) {
        self.service = service
        self.options = options
        self.authorizationIdentity = authorizationIdentity
        self.library = library
    }

    deinit {
        // A handle is only ever set through a loaded library.
        guard case .success(let gss) = library else { return }
        var minor: OMUInt32 = 0
        if security != nil { _ = gss.deleteSecurityContext(&minor, &security, nil) }
        if credential != nil { _ = gss.releaseCredential(&minor, &credential) }
        if target != nil { _ = gss.releaseName(&minor, &target) }
    }

    /// The loaded library, or `kerberos-unavailable`.
    private func gss() throws(SASLError) -> GSSAPILibrary {
        switch library {
        case .success(let gss): return gss
        case .failure(let f): throw .mechanismFailed(mechanism: MechanismName.gssapi.text, kind: f.kind, message: f.message)
        }
    }

    private func failure(_ status: GSSStatus) -> SASLError {
        let f = KerberosFailure.classify(status, KerberosFailure.Context(options: options, service: service))
        return .mechanismFailed(mechanism: MechanismName.gssapi.text, kind: f.kind, message: f.message)
    }

    private func protocolFailure(_ message: String) -> SASLError {
        .mechanismFailed(mechanism: MechanismName.gssapi.text, kind: .saslError, message: message)
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
        guard security == nil else { throw SASLError.unexpectedChallenge(mechanism: MechanismName.gssapi.text) }
        return try step(nil)
    }

    func answer(_ challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if !established { return try step(challenge) }
        guard !layerChosen else { throw SASLError.unexpectedChallenge(mechanism: MechanismName.gssapi.text) }
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
        let gss = try gss()
        if target == nil { try importTarget(gss) }
        if credential == nil { try acquireCredential(gss) }
        let r = gss.call(input) { minor, token, output in
            gss.initSecurityContext(&minor, credential, &security, target, GSSOID.krb5Mechanism.pointer,
                                    GSS.mutualFlag | GSS.sequenceFlag, 0, nil, token, nil, &output, nil, nil)
        }
        if r.failed {
            throw failure(GSSStatus(gss, call: input == nil ? "getting a service ticket" : "checking the server's reply", major: r.major, minor: r.minor))
        }
        if r.major & GSS.continueNeeded == 0 { established = true }
        return r.output
    }

    private func importTarget(_ gss: GSSAPILibrary) throws(SASLError) {
        guard !service.utf8.contains(where: { $0 < 0x20 }) else {
            throw SASLError.invalidCharacter(field: "service principal")
        }
        // `smtp@host` is a host-based service name; anything with a slash is a Kerberos name.
        let type = service.contains("/") ? GSSOID.krb5PrincipalName : GSSOID.hostBasedService
        target = try importName(gss, service, type: type, call: "import the service name")
    }

    private func importName(_ gss: GSSAPILibrary, _ text: String, type: GSSOID, call: String) throws(SASLError) -> GSSHandle? {
        var minor: OMUInt32 = 0
        var name: GSSHandle?
        var bytes = Array(text.utf8)
        let major = bytes.withUnsafeMutableBytes { raw -> OMUInt32 in
            var buffer = GSSBuffer(length: raw.count, value: raw.baseAddress)
            return gss.importName(&minor, &buffer, type.pointer, &name)
        }
        if GSS.isError(major) { throw failure(GSSStatus(gss, call: call, major: major, minor: minor)) }
        return name
    }

    private func acquireCredential(_ gss: GSSAPILibrary) throws(SASLError) {
        var desired: GSSHandle?
        if let principal = options.principal {
            guard !principal.utf8.contains(where: { $0 < 0x20 }) else { throw SASLError.invalidCharacter(field: "principal") }
            desired = try importName(gss, principal, type: GSSOID.krb5PrincipalName, call: "import the principal")
        }
        defer { var m: OMUInt32 = 0; if desired != nil { _ = gss.releaseName(&m, &desired) } }
        var store: [(String, String)] = []
        if let keytab = options.keytab {
            store.append(("client_keytab", keytab))
            // Tickets from the keytab stay in this process, not in the user's cache.
            store.append(("ccache", options.credentialCache ?? "MEMORY:mailconf-\(UUID().uuidString)"))
        } else if let cache = options.credentialCache {
            store.append(("ccache", cache))
        }
        var minor: OMUInt32 = 0
        var mechs = GSSOIDSet(count: 1, elements: GSSOID.krb5Mechanism.pointer)
        let major: OMUInt32 = withCStrings(store.flatMap { [$0.0, $0.1] }) { pointers in
            var elements = stride(from: 0, to: pointers.count, by: 2).map {
                GSSKeyValueElement(key: pointers[$0], value: pointers[$0 + 1])
            }
            return elements.withUnsafeMutableBufferPointer { buffer in
                var set = GSSKeyValueSet(count: OMUInt32(buffer.count), elements: UnsafeMutableRawPointer(buffer.baseAddress))
                return gss.acquireCredentialFrom(&minor, desired, GSS.indefinite, &mechs, GSS.initiate, &set, &credential, nil, nil)
            }
        }
        if GSS.isError(major) {
            throw failure(GSSStatus(gss, call: "finding your Kerberos credentials", major: major, minor: minor))
        }
    }

    private func unwrap(_ token: [UInt8]) throws(SASLError) -> [UInt8] {
        let gss = try gss()
        let r = gss.call(token) { minor, input, output in gss.unwrap(&minor, security, input, &output, nil, nil) }
        if r.failed { throw failure(GSSStatus(gss, call: "reading the server's security-layer offer", major: r.major, minor: r.minor)) }
        return r.output
    }

    private func wrap(_ message: [UInt8]) throws(SASLError) -> [UInt8] {
        let gss = try gss()
        let r = gss.call(message) { minor, input, output in
            gss.wrap(&minor, security, 0, GSS.defaultQOP, input, nil, &output)
        }
        if r.failed { throw failure(GSSStatus(gss, call: "answering the security-layer offer", major: r.major, minor: r.minor)) }
        return r.output
    }
}

/// Calls `body` with C strings that live for the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) })
}
