/// What a server announced in its CAPA response (RFC 2449 §6, RFC 2595 STLS, RFC 5034 SASL).
public struct POP3Capabilities: Sendable, Equatable {
    public var top = false
    public var uidl = false
    /// USER/PASS is offered. A server may leave it out until STLS (Dovecot does).
    public var user = false
    public var stls = false
    public var pipelining = false
    public var respCodes = false
    public var authRespCode = false
    /// SASL mechanisms, upper-cased, in the server's order; empty also when SASL is
    /// announced with none (as before STLS when plaintext logins are disabled).
    public var saslMechanisms: [String] = []
    /// `EXPIRE`, `LOGIN-DELAY`, `IMPLEMENTATION` with their arguments, as sent.
    public var expire: String?
    public var loginDelay: String?
    public var implementation: String?
    /// Every other capability line, as sent.
    public var other: [String] = []

    public init() {}

    /// Reads the lines of a CAPA response.
    public init(capa lines: [String]) {
        for line in lines {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let keyword = words.first?.uppercased() else { continue }
            let rest = words.dropFirst().joined(separator: " ")
            switch keyword {
            case "TOP": top = true
            case "UIDL": uidl = true
            case "USER": user = true
            case "STLS": stls = true
            case "PIPELINING": pipelining = true
            case "RESP-CODES": respCodes = true
            case "AUTH-RESP-CODE": authRespCode = true
            case "SASL":
                for m in words.dropFirst().map({ $0.uppercased() }) where !saslMechanisms.contains(m) { saslMechanisms.append(m) }
            case "EXPIRE": expire = rest
            case "LOGIN-DELAY": loginDelay = rest
            case "IMPLEMENTATION": implementation = rest
            default: other.append(line)
            }
        }
    }

    public func offers(_ mechanism: String) -> Bool { saslMechanisms.contains(mechanism.uppercased()) }

    /// The capabilities as CAPA lines, in a fixed order, for reports.
    public var keywords: [String] {
        var k: [String] = []
        if stls { k.append("STLS") }
        if user { k.append("USER") }
        if !saslMechanisms.isEmpty { k.append("SASL " + saslMechanisms.joined(separator: " ")) }
        if top { k.append("TOP") }
        if uidl { k.append("UIDL") }
        if pipelining { k.append("PIPELINING") }
        if respCodes { k.append("RESP-CODES") }
        if authRespCode { k.append("AUTH-RESP-CODE") }
        if let expire { k.append("EXPIRE \(expire)") }
        if let loginDelay { k.append("LOGIN-DELAY \(loginDelay)") }
        if let implementation { k.append("IMPLEMENTATION \(implementation)") }
        return k + other
    }
}
