import Foundation
import Failures
import Testing

/// Blocking work (getaddrinfo, the KDC exchange) is waited for off the cooperative pool,
/// and never longer than its deadline.
@Suite struct BlockingWork {
    @Test func workThatOutlastsItsDeadlineGivesTheTimeoutValue() async {
        let value = await runBlocking(timeout: 0.2, onTimeout: "timed out") {
            Thread.sleep(forTimeInterval: 3)
            return "finished"
        }
        #expect(value == "timed out")
    }

    @Test func workThatFinishesGivesItsValue() async {
        let value = await runBlocking(timeout: 30, onTimeout: "timed out") { "finished" }
        #expect(value == "finished")
    }

    /// Many blocking waits at once do not queue behind each other: each has its own
    /// thread. Queued on this machine's 2-thread cooperative pool these 32 would need
    /// 3.2 s, past their 3 s deadline; side by side each needs 0.2 s.
    @Test func manyBlockingWaitsAtOnceAllFinish() async {
        let results = await withTaskGroup(of: Int.self) { group in
            for i in 0..<32 {
                group.addTask { await runBlocking(timeout: 3, onTimeout: -1) { Thread.sleep(forTimeInterval: 0.2); return i } }
            }
            var all: [Int] = []
            for await r in group { all.append(r) }
            return all.sorted()
        }
        #expect(results == Array(0..<32))
    }
}

/// The one async deadline: the body's value in time, the caller's error when not.
@Suite struct AsyncDeadline {
    struct Late: Error {}

    @Test func aBodyInTimeGivesItsValue() async throws {
        #expect(try await withDeadline(2, timedOut: { Late() }) { 42 } == 42)
    }

    @Test func aBodyPastTheDeadlineIsCancelledAndTheTimeoutThrown() async throws {
        let started = ContinuousClock.now
        await #expect(throws: Late.self) {
            try await withDeadline(0.2, timedOut: { Late() }) { try await Task.sleep(for: .seconds(150)); return 0 }
        }
        // Far under the body's 150 s, and far over what the whole suite's load adds to a
        // 0.2 s wait on two cores (up to about 25 s at the start of a run).
        #expect(ContinuousClock.now - started < .seconds(75), "waited for the body, not the deadline")
    }
}
