import Failures
import MailSettings
import SMTPClient

/// What the envelope probe (MAIL FROM, RCPT TO elsewhere, RSET) says about this
/// client's standing with the server, without sending anything.
extension LiveCheck {
    /// A recipient in a reserved domain (RFC 2606) that no server delivers for itself: taking
    /// it means the server would relay for this client.
    static let relayProbeRecipient = "mailconf-probe@example.com"

    /// What the envelope probe's replies say about this client's standing with the server.
    static func classify(_ mail: SMTPReply, _ rcpt: SMTPReply?, authenticated: Bool) throws {
        if mail.code == 530 || (mail.isPermanentFailure && mail.enhancedCode?.description == "5.7.0") {
            if mail.text.uppercased().contains("STARTTLS") {
                throw CheckFailure(kind: .tlsRequired, message: "the server wants STARTTLS before mail: \(mail)")
            }
            throw CheckFailure(kind: .authRequired, message: "the server wants authentication before mail: \(mail)")
        }
        guard mail.isPositive else {
            throw CheckFailure(kind: .senderRejected, message: "the server refused MAIL FROM: \(mail)")
        }
        guard let rcpt, rcpt.isPermanentFailure else { return }
        let text = rcpt.text.lowercased()
        let policy = rcpt.code == 530 || rcpt.enhancedCode.map { $0.subject == 7 } == true
            || text.contains("relay") || text.contains("authenticat") || text.contains("access denied")
        guard policy else { return }
        if authenticated {
            throw CheckFailure(kind: .relayRefused,
                               message: "logged in, but the server refused a recipient in another domain at RCPT: \(rcpt)")
        }
        throw CheckFailure(kind: .authRequired,
                           message: "the server took MAIL FROM but refused a recipient in another domain at RCPT, so it relays only after authentication: \(rcpt)")
    }

    /// postmaster at the server's own name (an address literal for an IP): a sender every
    /// server can parse, used only for MAIL FROM followed by RSET.
    static func defaultSender(for host: Hostname?) -> String {
        guard let host else { return "postmaster@localhost" }
        if host.isIPAddress { return "postmaster@[\(host.name.contains(":") ? "IPv6:" + host.name : host.name)]" }
        return "postmaster@\(host.name)"
    }
}
