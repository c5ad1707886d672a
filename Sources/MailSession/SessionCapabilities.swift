/// What every protocol's capabilities say alike (EHLO keywords, IMAP CAPABILITY, POP3
/// CAPA), for the validator's reports and the login choice.
package protocol SessionCapabilities: Sendable {
    /// Every capability in the protocol's words, for reports.
    var keywords: [String] { get }
    /// The SASL mechanisms offered, upper-cased, in the server's order.
    var saslMechanisms: [String] { get }
    /// STARTTLS (POP3's STLS) is offered.
    var offersStartTLS: Bool { get }
}
