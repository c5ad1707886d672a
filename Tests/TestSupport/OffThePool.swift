import Foundation

/// Runs blocking work (a process, a socket) on a thread of its own and waits for it
/// without holding one of the cooperative pool's threads (two on this machine), which
/// the async tests running beside it need for their deadlines. Expectations stay in the
/// caller: `work` only computes.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
