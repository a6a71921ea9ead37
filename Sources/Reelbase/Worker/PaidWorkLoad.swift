import Synchronization

/// How many paid generation jobs (submits, polls, archives) this process is running now.
/// Background kinds that yield to them (`JobHandler.yieldsToPaidWork`: the ffmpeg posters) wait
/// while it is busy, at most `JobSettings.yieldAtMost`: a poster's 0.1 s of CPU otherwise
/// comes out of the pipeline people pay for. Three workers on two cores drained a 500-item
/// burst at 77–82 generations/s with posters beside it and 106/s without.
final class PaidWorkLoad: Sendable {
    private struct State {
        var running = 0
        /// When the count last reached `busyAt`.
        var lastBusy: ContinuousClock.Instant?
    }
    private let state = Mutex(State())
    /// Busy from this many running jobs on.
    let busyAt: Int
    /// Still busy this long after the count fell below `busyAt`: in a burst it dips for a moment
    /// between claims, and a poster started in that moment takes its 0.1 s of CPU all the same.
    let hold: Duration
    private let now: @Sendable () -> ContinuousClock.Instant

    init(busyAt: Int, hold: Duration = .seconds(1), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.busyAt = max(1, busyAt)
        self.hold = hold
        self.now = now
    }

    /// A quarter of the generation worker's slots: a few polls at once are the normal hum of
    /// a working day; a quarter of the slots at once means a burst.
    convenience init(slots: Int) {
        self.init(busyAt: max(2, slots / 4))
    }

    func began() {
        state.withLock { state in
            state.running += 1
            if state.running >= busyAt { state.lastBusy = now() }
        }
    }

    func ended() { state.withLock { $0.running -= 1 } }

    var isBusy: Bool {
        let now = now()
        return state.withLock { state in
            state.running >= busyAt || state.lastBusy.map { now - $0 < hold } ?? false
        }
    }
}
