import MailSettings

/// Thunderbird's ISPDB (or a mirror of it): the file at `BASE/DOMAIN`.
struct ISPDBSource: DiscoverySource {
    /// Used as given; the command makes sure it ends in "/".
    let base: String

    func url(for domain: String) -> String { base + domain }

    func answers(for address: EmailAddress, in context: DiscoveryContext) async -> [SourceAnswer] {
        [await answer(for: address.domain, as: .ispdb, in: context)]
    }

    /// The ISPDB's file for `domain`, listed as `id`: the MX source asks it for the MX
    /// host's domain too.
    func answer(for domain: String, as id: SourceID, in context: DiscoveryContext) async -> SourceAnswer {
        let url = url(for: domain)
        return await context.timed(id, asked: url) { try await context.clientConfig(at: url, domain: domain) }
    }
}
