import ArgumentParser

struct DomainsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domains",
        abstract: "Map your organisation's mail domains to a provider.",
        discussion: """
        An organisation domain says which provider serves a domain's mailboxes, such as \
        example.org → google-workspace or example.org → your own servers. Lookups by \
        address use it first, and the autoconfig service answers for these domains.
        """,
        subcommands: [DomainsAdd.self, DomainsRemove.self, DomainsList.self, DomainsCheck.self],
        defaultSubcommand: DomainsList.self
    )
}
