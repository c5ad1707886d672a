import NIOSSL

/// A TLS library error in the words a person acts on: BoringSSL's reason codes
/// (`WRONG_VERSION_NUMBER`, `CERTIFICATE_VERIFY_FAILED`, …), each with what it usually
/// means, instead of its packed error numbers and the path of its source file. The one
/// wording for the mail clients, the https fetch and the PostgreSQL catalog.
public enum TLSErrorWording {
    /// What a reason code usually means here, where that is more than its name says.
    static let meanings: [String: String] = [
        "WRONG_VERSION_NUMBER": "the server did not answer in TLS; this port may be plaintext or STARTTLS",
        "HTTP_REQUEST": "the server did not answer in TLS; this port may be plaintext or STARTTLS",
        "UNSUPPORTED_PROTOCOL": "the server and mailconf have no TLS version in common (mailconf speaks TLS 1.2 and 1.3)",
        "TLSV1_ALERT_PROTOCOL_VERSION": "the server and mailconf have no TLS version in common (mailconf speaks TLS 1.2 and 1.3)",
        "NO_SHARED_CIPHER": "the server and mailconf have no cipher in common",
        "SSLV3_ALERT_HANDSHAKE_FAILURE": "the server refused the handshake (often no cipher or TLS version in common)",
        "CERTIFICATE_VERIFY_FAILED": "the server's certificate did not verify",
        "TLSV1_ALERT_UNKNOWN_CA": "the server does not trust the certificate it was shown",
        "TLSV1_ALERT_CERTIFICATE_REQUIRED": "the server asks for a client certificate",
        "TLSV1_UNRECOGNIZED_NAME": "the server does not know the host name asked for (SNI)",
        "TLSV1_ALERT_INTERNAL_ERROR": "the server failed during the handshake; its log tells more",
    ]

    /// The reason codes in a BoringSSL error's text, in order, each once:
    /// `error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER at …` gives
    /// `WRONG_VERSION_NUMBER`.
    static func reasons(in text: String) -> [String] {
        var found: [String] = []
        for match in text.matches(of: /error:[0-9A-Fa-f]+:[^:\]]*:[^:\]]*:([A-Z0-9_]+)/) {
            let reason = String(match.output.1)
            if !found.contains(reason) { found.append(reason) }
        }
        return found
    }

    /// The error's reasons with their meanings ("WRONG_VERSION_NUMBER: the server did not
    /// answer in TLS; …"); an error that names none is described as it describes itself.
    public static func describe(_ error: any Error) -> String {
        var text = "\(error)"
        if let ssl = error as? NIOSSLError, case .handshakeFailed(let inner) = ssl { text = "\(inner)" }
        let reasons = reasons(in: text)
        guard !reasons.isEmpty else { return text }
        return reasons.map { reason in meanings[reason].map { "\(reason): \($0)" } ?? reason }.joined(separator: "; ")
    }
}
