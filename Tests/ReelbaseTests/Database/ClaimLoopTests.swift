import Foundation
import Logging
import Testing
@testable import Reelbase

/// The loop both queues run their workers with.
@Suite struct ClaimLoopTests {
    /// A cancelled loop (a test's workers, a task group ending) stops its work at once instead
    /// of waiting out the grace a SIGTERM gets. It used to wait with a cancelled `Task.sleep`,
    /// which returns at once: one loop per core spun and starved every other task of the
    /// process, including the ones its own in-flight work was waiting for, for the whole grace.
    @Test(.timeLimit(.minutes(1))) func aCancelledLoopDoesNotWaitOutTheGrace() async throws {
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<ProcessInfo.processInfo.activeProcessorCount {
                group.addTask {
                    let claimed = LockedValue(false)
                    await runClaimLoop(
                        slots: 1, idlePoll: .milliseconds(10), grace: .seconds(20), wake: WakeSignal(), stopping: LockedValue(false),
                        logger: Logger(label: "claim-loop-test"),
                        claim: { _ -> [Int] in
                            if claimed.get() { return [] }
                            claimed.set(true)
                            return [1]
                        },
                        // Work that ignores cancellation and ends when another task of the pool says so.
                        run: { (_: Int) in
                            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                                Task.detached {
                                    try? await Task.sleep(for: .milliseconds(300))
                                    done.resume()
                                }
                            }
                        })
                }
            }
            try? await Task.sleep(for: .milliseconds(100))  // every loop holds its item now
            group.cancelAll()
        }
        #expect(ContinuousClock.now - started < .seconds(10), "the loops waited out their 20 s grace")
    }
}
