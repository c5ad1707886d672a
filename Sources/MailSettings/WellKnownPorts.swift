/// The ports mail protocols are known on, and how each one starts (RFC 8314): the one
/// list the linter, the validator's alternatives and discovery's guesses read.
public enum WellKnownPorts {
    /// Ports whose protocol starts TLS on the first byte.
    public static let implicitTLS: Set<UInt16> = [465, 2465, 993, 995]
    /// Ports that start in plaintext (and may upgrade with STARTTLS).
    public static let plaintextFirst: Set<UInt16> = [25, 587, 2525, 2587, 143, 110]
    /// The usual ports of each protocol.
    public static let usual: [ServerProtocol: Set<UInt16>] = [
        .smtp: [25, 465, 587, 2465, 2525, 2587],
        .imap: [143, 993],
        .pop3: [110, 995],
    ]
}
