import MailSettings

/// How an application framework's SMTP client logs in: a username and a password (read
/// from the environment variable `FrameworkLogin.passwordVariable`, never written), by
/// a mechanism it picks or is told. None of them does NTLM, Kerberos or, as set up here,
/// OAuth2.
struct FrameworkLogin {
    /// The variable every framework export reads the password from, as `.env` names it.
    static let passwordVariable = "SMTP_PASSWORD"

    var username: String
    /// `.passwordEncrypted` (CRAM-MD5) or `.passwordCleartext` (PLAIN or LOGIN).
    var method: AuthenticationMethod
}

extension ExportInput {
    /// nil when the server takes mail without a login.
    func frameworkLogin(_ s: ServerSetting, format: String) throws(ExportError) -> FrameworkLogin? {
        guard s.needsAuthentication else { return nil }
        return FrameworkLogin(username: try username(s) ?? "", method: try passwordLoginMethod(s, tool: format))
    }

    /// The password method a tool written for a password login uses (CRAM-MD5, or PLAIN
    /// and LOGIN), or the refusal naming the tool and what the server takes instead.
    func passwordLoginMethod(_ s: ServerSetting, tool: String) throws(ExportError) -> AuthenticationMethod {
        guard let method = passwordMethod(s), method != .ntlm else {
            throw ExportError(.unsupportedAuthentication,
                              "\(tool) as written here logs in with a password (PLAIN, LOGIN or CRAM-MD5) only, and \(provider.id)'s server \(s.summary) takes \(s.authentication.map(\.rawValue).joined(separator: ", "))")
        }
        return method
    }
}
