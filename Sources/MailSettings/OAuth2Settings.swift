/// Where a mail client signs its user in with OAuth 2.0 for this provider: clientConfig's
/// `<oAuth2>` block (draft-ietf-mailmaint-autoconfig-06, "OAuth2 requirements").
/// A client secret is never kept: the draft's clients are public clients, and mailconf
/// stores no secret it was not asked to.
public struct OAuth2Settings: Hashable, Sendable, Codable {
    /// The authorization endpoint, where the user signs in.
    public var authURL: String?
    /// The token endpoint.
    public var tokenURL: String?
    /// The issuer, as the provider names it (`accounts.google.com`, or an https URL).
    public var issuer: String?
    /// Space-separated scopes that cover every service of the file.
    public var scope: String?
    /// A client ID the provider accepts from any application, if it publishes one.
    public var clientID: String?

    public init(authURL: String? = nil, tokenURL: String? = nil, issuer: String? = nil,
                scope: String? = nil, clientID: String? = nil) throws(ValidationError) {
        if let authURL { try URLField.check(authURL, field: "OAuth2 authURL") }
        if let tokenURL { try URLField.check(tokenURL, field: "OAuth2 tokenURL") }
        if let issuer { try TextField.check(issuer, field: "OAuth2 issuer", maxLength: 2048) }
        if let scope { try TextField.check(scope, field: "OAuth2 scope", maxLength: 4096) }
        if let clientID { try TextField.check(clientID, field: "OAuth2 clientID", maxLength: 1024) }
        guard authURL != nil || tokenURL != nil || issuer != nil || scope != nil || clientID != nil else {
            throw ValidationError(field: "OAuth2", value: "", reason: "it names nothing",
                                  expected: "at least one of authURL, tokenURL, issuer, scope, clientID")
        }
        self.authURL = authURL
        self.tokenURL = tokenURL
        self.issuer = issuer
        self.scope = scope
        self.clientID = clientID
    }
}
