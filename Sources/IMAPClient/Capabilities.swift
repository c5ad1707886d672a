/// What a server said it can do (`* CAPABILITY …` or the `[CAPABILITY …]` code).
public struct IMAPCapabilities: Sendable, Equatable {
    /// Every capability as sent.
    public var atoms: [String]

    public init(atoms: [String]) {
        self.atoms = atoms
    }

    /// From the text after `CAPABILITY`.
    public init(_ text: String) {
        atoms = text.split(separator: " ").map(String.init)
    }

    private var upper: Set<String> { Set(atoms.map { $0.uppercased() }) }

    public func has(_ capability: String) -> Bool { upper.contains(capability.uppercased()) }

    /// The SASL mechanisms of the `AUTH=` capabilities, upper-cased.
    public var authMechanisms: [String] {
        atoms.compactMap { a in a.uppercased().hasPrefix("AUTH=") ? String(a.dropFirst(5)).uppercased() : nil }
    }

    public var startTLS: Bool { has("STARTTLS") }
    /// LOGIN is refused (RFC 9051 §6.2.3), usually until STARTTLS.
    public var loginDisabled: Bool { has("LOGINDISABLED") }
    /// The initial SASL response may go on the AUTHENTICATE line (RFC 4959).
    public var saslIR: Bool { has("SASL-IR") }
    /// Non-synchronizing literals (RFC 7888).
    public var literalPlus: Bool { has("LITERAL+") }
    public var imap4rev2: Bool { has("IMAP4rev2") }
    public var imap4rev1: Bool { has("IMAP4rev1") }
}
