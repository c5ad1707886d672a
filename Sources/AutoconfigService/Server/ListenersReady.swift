import Synchronization

/// Opens once every listener is bound, so that nothing asks a CA to connect before the
/// port answers. A waiting task that is cancelled (a listener that could not bind stops
/// the service) returns at once.
public final class ListenersReady: Sendable {
    private struct State {
        var left: Int
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }
    private let state: Mutex<State>

    public init(listeners: Int) { state = Mutex(State(left: listeners)) }

    func listenerUp() {
        let resume = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.left -= 1
            guard s.left <= 0 else { return [] }
            defer { s.waiting = [:] }
            return Array(s.waiting.values)
        }
        resume.forEach { $0.resume() }
    }

    public func wait() async {
        let id = state.withLock { s -> Int in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { c in
                let now = state.withLock { s -> Bool in
                    if s.left <= 0 || Task.isCancelled { return true }
                    s.waiting[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
        }
    }
}
