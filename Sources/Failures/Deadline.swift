/// Runs `body`, or throws `timedOut()` when it has not finished within `seconds`; the
/// loser is cancelled. Shared by the network probes that must never wait unbounded.
public func withDeadline<T: Sendable>(_ seconds: Double, timedOut: @escaping @Sendable () -> any Error,
                                      _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            throw timedOut()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw timedOut() }
        return first
    }
}
