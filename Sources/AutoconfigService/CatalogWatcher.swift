import Dispatch
import Foundation
import ServiceLifecycle

/// Runs beside the server: picks up another process's change to the catalog within the
/// poll interval, and reloads at once on SIGHUP.
struct CatalogWatcher: Service {
    let store: SettingsStore

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP)
        let store = store
        hup.setEventHandler {
            do { try store.reload() } catch { store.logger.error("SIGHUP: cannot reload the catalog: \(error)") }
        }
        hup.resume()
        defer { hup.cancel() }
        await cancelWhenGracefulShutdown { await store.watch() }
    }
}
