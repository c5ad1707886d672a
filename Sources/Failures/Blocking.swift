import Foundation

/// Runs blocking work (getaddrinfo, a Kerberos KDC exchange) on a thread of its own and
/// waits for it without holding one of Swift's cooperative threads or an event loop.
/// Gives `onTimeout` when the work takes longer than `timeout` seconds; the thread is left
/// to finish on its own, and its late result is dropped.
public func runBlocking<T: Sendable>(timeout: Double, onTimeout: T, _ work: @escaping @Sendable () -> T) async -> T {
    let once = ResumeOnce<T>()
    return await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        once.set(continuation)
        Thread.detachNewThread { once.resume(work()) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { once.resume(onTimeout) }
    }
}

/// Resumes a continuation with whichever value comes first.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    func set(_ c: CheckedContinuation<T, Never>) { lock.withLock { continuation = c } }
    func resume(_ value: T) {
        let c: CheckedContinuation<T, Never>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        c?.resume(returning: value)
    }
}
