import Failures
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

extension Listener {
    /// A bind error in words, naming this listener's address and what to do (NIO says
    /// only "bind(...)"); any other error as it is.
    package func explain(_ error: any Error) -> any Error {
        guard let io = error as? IOError, [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(io.errnoCode) else { return error }
        let why = String(cString: strerror(io.errnoCode))
        let fix = io.errnoCode == EACCES ? "ports below 1024 need root or CAP_NET_BIND_SERVICE (the systemd unit grants it)"
            : io.errnoCode == EADDRINUSE ? "stop what listens there (ss -ltnp) or choose another port"
            : "give \(hostOption) an address of this machine"
        let option = portOption.map { " (\($0))" } ?? ""
        return ListenerError(kind: .serviceCannotListen, description: "cannot listen on \(host) port \(port)\(option): \(why); \(fix)")
    }

    /// `app` as a service that runs beside another listener, its bind errors worded for
    /// this listener (not for the one whose service group it runs in).
    package func service(_ app: some ApplicationProtocol) -> some Service {
        ListenerService(app: app, listener: self)
    }
}

/// Runs an application; a bind error names its listener.
struct ListenerService<App: ApplicationProtocol>: Service {
    let app: App
    let listener: Listener

    func run() async throws {
        do { try await app.run() } catch { throw listener.explain(error) }
    }
}
