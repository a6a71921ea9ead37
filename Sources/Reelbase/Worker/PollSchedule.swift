import Foundation

/// When to look at a running job: first near the model's typical duration (most jobs are done
/// by then), then backing off with jitter so replicas do not poll in lockstep. The official SDK
/// polls every second from the start; this costs a handful of requests per job instead.
struct PollSchedule: Sendable {
    let expectedSeconds: Double
    let maxInterval: Double

    /// Seconds after submission for the first poll.
    var firstPoll: Double { max(1, expectedSeconds * 0.85) }

    /// Seconds until poll number `count + 1`: grows ×1.6 from an eighth of the expected time.
    func interval(afterPoll count: Int, random: Double = Double.random(in: 0.8...1.2)) -> Double {
        let base = max(1, expectedSeconds / 8) * pow(1.6, Double(min(count, 10)))
        return min(maxInterval, base) * random
    }

    /// Retry delay for a transient submit failure: exponential with jitter, capped at 5 minutes.
    static func retryDelay(attempt: Int, random: Double = Double.random(in: 0.5...1.0)) -> Double {
        min(300, 2 * pow(2, Double(max(0, attempt - 1)))) * random
    }
}
