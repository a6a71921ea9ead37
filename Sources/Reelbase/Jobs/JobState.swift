import Foundation
import PostgresNIO

/// A background job's state, bound into SQL as a parameter (never spelled as a literal):
///
///     queued ──claim──→ running ──→ succeeded
///       ↑                  │
///       ├── failed, attempts left (run_at = now + backoff)
///       ├── lease expired: the rescuer (attempts left)
///       │                  └──→ dead (attempts used up; last_error kept)
enum JobState: String, PostgresCodable, Sendable {
    case queued, running, succeeded, dead
}

/// How the job queue paces itself. Defaults suit production; tests shrink them.
public struct JobSettings: Sendable {
    /// Jobs one process runs at once.
    public var slots: Int = 4
    public var lease: Duration = .seconds(60)
    public var heartbeat: Duration = .seconds(20)
    /// Sleep between looks when nothing woke us (pg_notify is the fast path).
    public var idlePoll: Duration = .seconds(2)
    public var rescueEvery: Duration = .seconds(5)
    /// How often a worker makes sure the periodic jobs of the current period exist.
    public var scheduleEvery: Duration = .seconds(30)
    /// First retry delay; it doubles with each failed attempt up to `backoffCap`.
    public var backoffBase: Duration = .seconds(2)
    public var backoffCap: Duration = .seconds(600)
    /// How long a worker waits for running jobs on SIGTERM before cancelling them.
    public var shutdownGrace: Duration = .seconds(30)
    /// The longest a kind that yields to paid work (`JobHandler.yieldsToPaidWork`) waits for it.
    public var yieldAtMost: Duration = .seconds(30)
    public var workerID: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

    public init() {}

    /// Seconds before the retry that follows failed attempt number `attempt` (1-based): doubles
    /// each time, capped. Jitter within 75–100 % spreads retries of many jobs while still
    /// growing strictly from one attempt to the next (below the cap).
    func backoff(afterAttempt attempt: Int, random: Double = .random(in: 0.75...1)) -> Double {
        let exponential = backoffBase.seconds * pow(2, Double(min(max(attempt - 1, 0), 30)))
        return min(backoffCap.seconds, exponential) * random
    }
}
