import Catalog
import MailSettings

/// The user's own servers in the catalog: add, edit, remove, each through one
/// ``ServerPatch``. The catalog checks what only it can (a preset is read-only, a
/// provider still used by a domain stays) and writes the change history.
package struct ServerEdits: Sendable {
    package let catalog: Catalog

    package init(catalog: Catalog) { self.catalog = catalog }

    /// Adds `server` to the user's provider `providerID`, created when new.
    package func add(_ server: ServerSetting, toProvider providerID: String, displayName: String? = nil,
                     domains: [String] = []) throws(CatalogError) -> UserServer {
        let id = try catalog.addServer(server, toProvider: providerID, displayName: displayName, domains: domains)
        return try stored(id)
    }

    /// Changes server `id` as `patch` says and returns it as stored.
    package func edit(id: Int64, _ patch: ServerPatch) throws(CatalogError) -> UserServer {
        _ = try catalog.editServer(id: id) { old in patch.applied(to: old) }
        return try stored(id)
    }

    /// Removes server `id`; its provider goes too when it has no server left and no
    /// domain uses it.
    package func remove(id: Int64) throws(CatalogError) {
        try catalog.removeServer(id: id)
    }

    func stored(_ id: Int64) throws(CatalogError) -> UserServer {
        guard let found = try catalog.server(id: id) else { throw .unknownServer(id) }
        return found.server
    }
}
