import Kerberos
import MailNet
import MailSettings
import SASL
import SMTPClient

/// What to verify live, and with which credentials.
public struct VerifyRequest: Sendable {
    public var setting: ServerSetting
    public var username: String?
    /// A password, or for XOAUTH2 an access token.
    public var secret: Secret?
    /// PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or GSSAPI; nil picks the strongest password
    /// mechanism offered (GSSAPI when Kerberos is the setting's way and no password is given).
    public var mechanism: MechanismName?
    /// For GSSAPI: the credential cache or keytab, the client and the service principal.
    public var kerberos = KerberosOptions()
    public var trust: TrustPolicy
    public var allowPlaintextAuth: Bool
    public var timeout: Double
    public var sender: String?
    public var recipients: [String]
    public var keepTranscript: Bool
    /// How the host's addresses are found (discovery's own DNS and overrides); the
    /// system's resolver when nil.
    public var resolver: (any AddressResolver)? = nil
    /// False: stop before AUTH even when credentials are at hand, as a Kerberos ticket
    /// always may be (discovery's probes log in nowhere).
    public var logIn = true

    public init(setting: ServerSetting, username: String? = nil, secret: Secret? = nil, mechanism: MechanismName? = nil,
                trust: TrustPolicy = .system, allowPlaintextAuth: Bool = false, timeout: Double = 15,
                sender: String? = nil, recipients: [String] = [], keepTranscript: Bool = false) {
        self.setting = setting
        self.username = username
        self.secret = secret
        self.mechanism = mechanism
        self.trust = trust
        self.allowPlaintextAuth = allowPlaintextAuth
        self.timeout = timeout
        self.sender = sender
        self.recipients = recipients
        self.keepTranscript = keepTranscript
    }
}

extension VerifyRequest {
    /// The secret is an OAuth2 access token: XOAUTH2 was asked for, or OAuth2 is the
    /// setting's way of logging in with what is at hand.
    var usesToken: Bool {
        if let m = mechanism { return m == .xoauth2 }
        return setting.loginPlan(secretAtHand: secret != nil) == .oauth2
    }

    /// The login is Kerberos (SASL GSSAPI): asked for, or the setting's way of logging in
    /// with what is at hand (``MailSettings/ServerSetting/loginPlan(secretAtHand:)``).
    public var usesKerberos: Bool {
        if let m = mechanism { return m == .gssapi }
        return setting.loginPlan(secretAtHand: secret != nil) == .kerberos
    }
}
