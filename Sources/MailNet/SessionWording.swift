import Failures

/// How the three protocol clients (SMTP, IMAP, POP3) name and say the failures they
/// share: finding the host, connecting, waiting, the connection going away, STARTTLS
/// injection, a password refused without TLS. Each client's error type keeps its own
/// cases and says the protocol's own failures itself.
public enum SessionWording {
    public static func dnsFailure(host: String, reason: String) -> String {
        "cannot resolve \(host): \(reason); check the host name"
    }

    public static func connect(host: String, port: Int, _ failure: ConnectFailure) -> String {
        if case .timedOut(let s) = failure {
            return "no TCP connection to \(host):\(port) within \(s) s (a firewall may drop the packets)"
        }
        return "could not connect to \(host):\(port): \(failure)"
    }

    /// A wait that ran out: the greeting's, the TLS handshake's, or a reply's.
    public static func timeoutKind(phase: String) -> FailureKind {
        phase == "greeting" ? .greetingTimeout : phase == TLSPhase.handshake ? .tlsHandshakeTimeout : .timeout
    }

    public static func timeout(phase: String, seconds: Double) -> String {
        if phase == TLSPhase.handshake {
            return "the TLS handshake did not finish within \(seconds) s: the port takes the connection but does not answer TLS (a STARTTLS or plaintext port? try STARTTLS)"
        }
        return "the server sent nothing for \(seconds) s during \(phase)"
    }

    public static func connectionClosed(phase: String) -> String { "the server closed the connection during \(phase)" }

    /// `command`: the protocol's name for it (STARTTLS, STLS).
    public static func startTLSInjection(bytes: Int, command: String) -> String {
        "the server sent \(bytes) bytes after its \(command) reply and before the TLS handshake (STARTTLS response injection); connection dropped"
    }

    /// `what`: the login refused (`AUTH PLAIN`, `LOGIN`).
    public static func plaintextPasswordRefused(_ what: String, use fix: String = "use TLS") -> String {
        "refusing \(what) over a connection without TLS (the password would cross the network readable); \(fix) or allow it explicitly"
    }

    /// `command`: how the protocol names the login (`AUTH`, `AUTHENTICATE`, `SASL`).
    public static func mechanismNotOffered(_ mechanism: String, offered: [String], command: String) -> String {
        "the server does not offer \(command) \(mechanism); it offers \(offered.isEmpty ? "none" : offered.joined(separator: ", "))"
    }
}
