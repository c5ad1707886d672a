/// What a `-ERR` to a login step (USER, PASS, the end of AUTH) means, from its RFC 2449 /
/// RFC 3206 response code and, for servers that send none, its words.
enum LoginRefusal {
    /// The step the server refused.
    enum Step { case user, pass, sasl }

    static func classify(_ response: POP3Response, step: Step, encrypted: Bool,
                         capabilities: POP3Capabilities?) -> POP3ClientError {
        switch response.code {
        case "IN-USE": return .mailboxInUse(response)
        case "SYS/TEMP", "LOGIN-DELAY": return .temporaryFailure(response)
        default: break
        }
        if !encrypted && (mentionsTLS(response.text) || (step == .user && capabilities?.stls == true)) {
            // Dovecot: "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
            // A server offering STLS that refuses USER itself, before any password, says the same.
            return .tlsRequired(response)
        }
        return .authRejected(response)
    }

    static func mentionsTLS(_ text: String) -> Bool {
        let t = text.lowercased()
        return ["plaintext", "non-secure", "insecure", "ssl", "tls", "encrypt"].contains { t.contains($0) }
    }
}
