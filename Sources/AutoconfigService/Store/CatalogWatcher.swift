import Dispatch
import Foundation
import ServiceLifecycle

/// Runs beside the server: picks up another process's change to the catalog within the
/// poll interval, and reloads at once on SIGHUP.
/// Under systemd it reports the reload (RELOADING=1, then READY=1) and the shutdown
/// (STOPPING=1).
struct CatalogWatcher: Service {
    let store: SettingsStore
    var notifier = SystemdNotifier()

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP)
        let store = store, notifier = notifier
        hup.setEventHandler {
            notifier.reloading()
            do { try store.reload() } catch { store.logger.error("SIGHUP: cannot reload the catalog: \(error)") }
            notifier.ready(status: "serving \(store.domainCount) domains")
        }
        hup.resume()
        defer { hup.cancel() }
        await cancelWhenGracefulShutdown { await store.watch() }
        // Graceful shutdown has begun (SIGTERM or SIGINT): requests in flight finish.
        notifier.stopping()
    }
}
