import MailNet

/// A session of any of the three protocols, as the validator and discovery see it:
/// opened, looked at, closed.
package protocol MailSession: AnyObject, Sendable {
    associatedtype Capabilities: SessionCapabilities
    var transcript: Transcript { get }
    var addressesTried: [AddressAttempt] { get }
    var capabilitiesBeforeTLS: Capabilities? { get }
    var capabilities: Capabilities? { get }
    var isEncrypted: Bool { get }
    var tls: TLSDetails? { get async }
    /// Connects (each address in turn), reads the greeting and the capabilities, and runs
    /// STARTTLS with the capabilities asked again when the options say so.
    func open() async throws
    /// The polite end (QUIT, LOGOUT), then close; safe after a failure.
    func close() async
}
