import Foundation
import Synchronization

/// When a look for new submissions can find one. Each look scans the queue and what is in
/// flight; a loop that wakes every few milliseconds for due polls ran it hundreds of times a
/// second against a saturated account (a quarter of the database's time with 3 workers).
/// A look is worth it after something that can queue a job or free a slot (a notify, one of
/// this worker's jobs leaving flight, a look that found some), and
/// otherwise every `recheck`: retry times and pauses run out without telling anyone.
final class SubmissionLooks: Sendable {
    private struct State {
        var due = true
        var last: ContinuousClock.Instant
    }
    private let state: Mutex<State>
    let recheck: Duration
    private let now: @Sendable () -> ContinuousClock.Instant

    init(recheck: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.recheck = recheck
        self.now = now
        state = Mutex(State(last: now()))
    }

    /// Something happened that can make a submission claimable.
    func mark() { state.withLock { $0.due = true } }

    /// Whether to look now; a yes counts as the look.
    func shouldLook() -> Bool {
        let now = now()
        return state.withLock { state in
            guard state.due || now - state.last >= recheck else { return false }
            state.due = false
            state.last = now
            return true
        }
    }

    /// A look that found work may have left more behind (a look claims a few per account):
    /// look again. One that found none waits for news.
    func found(_ claimed: Int) {
        if claimed > 0 { mark() }
    }
}
