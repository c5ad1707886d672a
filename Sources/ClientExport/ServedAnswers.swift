import MailFormats
import MailSettings

/// The answers `mailconf serve` gives for an organisation's domain, made in one place:
/// the service builds them, and `domains check` compares what the internet serves with
/// them byte for byte.
public enum ServedAnswers {
    /// Thunderbird's autoconfig file for `domain`, the same bytes for every address at
    /// it. The file names the domain it answers for: an organisation's own domain is not
    /// among its provider's, and Thunderbird refuses a file without its <domain>.
    /// `version` is 1.1 unless the service was told otherwise: that is what clients read today.
    public static func thunderbird(_ provider: Provider, domain: String,
                                   version: ClientConfig.Version = .v1_1) throws(ExportError) -> String {
        var provider = provider
        if !provider.domains.contains(domain) { provider.domains.insert(domain, at: 0) }
        return try ExportFormat.thunderbird.render(provider, options: ExportOptions(includeMailconfExtension: false,
                                                                                     clientConfigVersion: version))
    }

    /// The user-agent configuration JSON for `domain` (the same bytes for every address),
    /// and the `_ua-auto-config` TXT text that vouches for it.
    public static func userAgentConfiguration(_ provider: Provider, domain: String) throws(ExportError) -> String {
        try UserAgentConfiguration.render(provider, domain: domain)
    }

    /// Outlook's POX Autodiscover answer for `address`.
    public static func autodiscover(_ provider: Provider, address: EmailAddress) throws(ExportError) -> String {
        try ExportFormat.autodiscover.render(provider, address: address)
    }
}
