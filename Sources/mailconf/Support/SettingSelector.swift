import ArgumentParser
import Catalog
import MailSettings
import UseCases

/// What `lint` and `verify` act on, chosen the same way by both: a provider (by id, mail
/// domain or address), one catalog server (`#12`), or a setting given with `--host …`.
enum SelectedSettings {
    case provider(CatalogEntry)
    case server(UserServer)
    case given(ServerSetting)
}

extension ServerFields {
    /// Reads NAME or `--host …` (never both). `defaultAuth` is used when `--auth` is not
    /// given; `lenientUsername` keeps a broken placeholder (lint reports it) instead of refusing it.
    func select(name: String?, catalog: () throws -> Catalog, defaultAuth: [AuthenticationMethod],
                lenientUsername: Bool) throws -> SelectedSettings {
        if let name {
            guard host == nil else { throw ArgumentParser.ValidationError("give either NAME or --host …, not both") }
            let cat = try catalog()
            if let id = Int64(name.hasPrefix("#") ? String(name.dropFirst()) : name) {
                guard let found = try attempt({ try cat.server(id: id) }) else { throw CLIError(CatalogError.unknownServer(id)) }
                return .server(found.server)
            }
            return .provider(try attempt { try cat.resolve(name) })
        }
        // The username is read below: strictly nowhere, leniently for lint.
        var typed = text
        typed.username = nil
        let patch = try usage { () throws(MailSettings.ValidationError) in try ServerPatch(parsing: typed) }
        guard let host = patch.hostname else {
            throw ArgumentParser.ValidationError("give a provider, a server id (#12), or --host with --port, --security and --auth")
        }
        guard let port = patch.port else { throw ArgumentParser.ValidationError("--port is required with --host") }
        guard let security = patch.security else {
            throw ArgumentParser.ValidationError("--security is required with --host: none, starttls or tls")
        }
        let auth = patch.authentication ?? defaultAuth.map { .method($0) }
        let setting = try usage { () throws(MailSettings.ValidationError) in
            try ServerSetting(protocol: patch.protocol ?? .smtp, hostname: host, port: port, security: security,
                              choices: auth,
                              username: lenientUsername ? try parsedUsernameLenient() : nil)
        }
        return .given(setting)
    }
}
