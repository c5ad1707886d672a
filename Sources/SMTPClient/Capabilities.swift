/// What a server announced in its EHLO reply (RFC 5321 §4.1.1.1 and the extension RFCs).
public struct Capabilities: Sendable, Equatable {
    /// The first line: the server's name and greeting text.
    public var greeting: String
    /// SIZE with the announced limit in bytes (0 or absent number: no fixed limit).
    public var size: Int?
    public var eightBitMIME = false
    public var pipelining = false
    public var smtpUTF8 = false
    public var startTLS = false
    /// SASL mechanisms offered by AUTH, upper-cased, in the server's order.
    public var authMechanisms: [String] = []
    public var enhancedStatusCodes = false
    public var chunking = false
    public var dsn = false
    public var requireTLS = false
    /// Every other keyword, as sent (with its parameters).
    public var other: [String] = []

    /// True when SIZE was announced, with or without a limit.
    public var announcesSize: Bool { size != nil }

    public init(greeting: String = "") {
        self.greeting = greeting
    }

    /// Reads an EHLO reply; a HELO reply gives a server with no extensions.
    public init(ehlo reply: SMTPReply) {
        self.init(greeting: reply.lines.first ?? "")
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let keyword = words.first?.uppercased() else { continue }
            let params = words.dropFirst()
            switch keyword {
            // RFC 1870: 1*20DIGIT. Anything else (a sign, a number past Int) is read as
            // no fixed limit, never as a negative one.
            case "SIZE": size = params.first.flatMap { $0.utf8.allSatisfy { (0x30...0x39).contains($0) } ? Int($0) : nil } ?? 0
            case "8BITMIME": eightBitMIME = true
            case "PIPELINING": pipelining = true
            case "SMTPUTF8": smtpUTF8 = true
            case "STARTTLS": startTLS = true
            case "AUTH":
                for m in params.map({ $0.uppercased() }) where !authMechanisms.contains(m) { authMechanisms.append(m) }
            case "ENHANCEDSTATUSCODES": enhancedStatusCodes = true
            case "CHUNKING": chunking = true
            case "DSN": dsn = true
            case "REQUIRETLS": requireTLS = true
            default:
                // Old servers announce AUTH=LOGIN PLAIN; read it as AUTH too.
                if keyword.hasPrefix("AUTH=") {
                    let first = String(words[0].dropFirst(5)).uppercased()
                    for m in ([first] + params.map { $0.uppercased() }) where !m.isEmpty && !authMechanisms.contains(m) {
                        authMechanisms.append(m)
                    }
                } else {
                    other.append(line)
                }
            }
        }
    }

    public func offers(_ mechanism: String) -> Bool { authMechanisms.contains(mechanism.uppercased()) }
}

extension Capabilities {
    /// The capabilities as EHLO keywords, in a fixed order (SIZE, STARTTLS, AUTH …, then
    /// what is not modelled), for reports.
    public var keywords: [String] {
        let c = self
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
}
