import Catalog
import Foundation
import MailSettings

/// A server setting as JSON, the same from `mailconf … --json` and the admin API
/// (docs/json.md). Keys are snake_case whatever the encoder's key strategy; absent
/// values are left out.
package struct ServerJSON: Codable, Sendable, Equatable {
    package var id: Int64?
    /// The provider, for a list of the user's own servers.
    package var provider: String?
    package var role: String
    package var `protocol`: String
    package var description: String?
    package var hostname: String?
    package var port: Int?
    package var security: String?
    /// The generic methods (what clientConfig 1.1 readers and every other export use).
    package var authentication: [String]
    /// Every way to log in, best first: generic methods, `sasl:NAME`, `http:SCHEME`.
    package var authenticationChoices: [String]
    package var username: String?
    package var url: String?
    package var lastVerified: LastVerified?

    enum CodingKeys: String, CodingKey {
        case id, provider, role, `protocol`, description, hostname, port, security, authentication
        case authenticationChoices = "authentication_choices", username, url, lastVerified = "last_verified"
    }

    package init(_ s: ServerSetting, id: Int64?, provider: String? = nil, lastVerified: VerificationRecord? = nil) {
        self.id = id
        self.provider = provider
        role = s.role.rawValue
        self.protocol = s.protocol.rawValue
        description = s.description
        hostname = s.hostname?.name
        port = s.port.map { Int($0.value) }
        security = s.security?.rawValue
        authentication = s.authentication.map(\.rawValue)
        authenticationChoices = s.authenticationChoices.map(\.description)
        username = s.username?.text
        url = s.url
        self.lastVerified = lastVerified.map(LastVerified.init)
    }

    /// One of the user's own servers, with its provider.
    package init(_ u: UserServer) {
        self.init(u.server, id: u.id, provider: u.providerID)
    }

    /// The latest live check of a setting, as recorded.
    package struct LastVerified: Codable, Sendable, Equatable {
        package var setting: String
        package var ok: Bool
        /// The failure's kind, such as `auth-failed`; absent when it worked.
        package var kind: String?
        package var message: String
        /// ISO 8601, UTC: `2026-12-08T00:28:33Z`.
        package var checkedAt: String

        enum CodingKeys: String, CodingKey { case setting, ok, kind, message, checkedAt = "checked_at" }

        package init(_ r: VerificationRecord) {
            setting = r.setting
            ok = r.ok
            kind = r.kind
            message = r.message
            checkedAt = r.checkedAt.formatted(.iso8601)
        }
    }
}
