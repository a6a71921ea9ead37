import Foundation

/// When to look at a running job: first near the model's typical duration (most jobs are done
/// by then), then backing off with jitter so replicas do not poll in lockstep. The official SDK
/// polls every second from the start; this costs a handful of requests per job instead.
struct PollSchedule: Sendable {
    let expectedSeconds: Double
    let maxInterval: Double
    /// No two looks at one job closer than this (`REELBASE_WORKER_MIN_POLL_MS`, 1 s by default:
    /// real jobs take minutes). A zero-latency simulator in a benchmark sets it lower.
    var minInterval: Double = 1

    /// Seconds after submission for the first poll.
    var firstPoll: Double { max(minInterval, expectedSeconds * 0.85) }

    /// Seconds until poll number `count + 1`: grows ×1.6 from an eighth of the expected time.
    func interval(afterPoll count: Int, random: Double = Double.random(in: 0.8...1.2)) -> Double {
        let base = max(minInterval, expectedSeconds / 8) * pow(1.6, Double(min(count, 10)))
        return min(maxInterval, base) * random
    }

    /// Retry delay for a transient submit failure: exponential with jitter, capped at 5 minutes.
    static func retryDelay(attempt: Int, random: Double = Double.random(in: 0.5...1.0)) -> Double {
        min(300, 2 * pow(2, Double(max(0, attempt - 1)))) * random
    }
}

/// How long to pause an account nothing could reach (refused, DNS): twice the previous pause of
/// the same outage (from `base`), at most `cap`, times 75–100 % jitter so replicas do not probe
/// in step. The jobs keep their attempts, so an outage of any length only delays them.
public struct UnreachableBackoff: Sendable {
    public var base: Double = 2
    public var cap: Double = 60

    public init(base: Double = 2, cap: Double = 60) {
        self.base = base
        self.cap = cap
    }

    /// `previous`: the last pause of this outage in seconds, nil when the outage just began.
    func delay(previous: Double?, random: Double = Double.random(in: 0.75...1.0)) -> Double {
        min(cap, max(base, 2 * (previous ?? 0))) * random
    }
}
