import Foundation

/// Where "now" comes from, so tests can set the time instead of sleeping. The job queue binds
/// this time into its SQL rather than using the database's `now()`.
protocol WallClock: Sendable {
    func now() -> Date
}

struct SystemClock: WallClock {
    func now() -> Date { Date() }
}
