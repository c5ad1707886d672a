import ArgumentParser

struct ServersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "Add, edit, remove and list your own servers.",
        discussion: """
        Your servers live in the catalog beside the presets, grouped under a provider id \
        of your choosing (created by the first 'servers add'). Updating the presets never \
        touches them. Passwords are never stored here.
        """,
        subcommands: [ServersAdd.self, ServersEdit.self, ServersRemove.self, ServersList.self],
        defaultSubcommand: ServersList.self
    )
}
