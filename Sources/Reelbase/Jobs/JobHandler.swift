import Foundation
import Logging

/// One kind of background job: its stored name, its payload and how to run it (as swift-jobs'
/// `JobParameters`). Adding a kind is one type conforming to this and one line in
/// `JobRegistry.standard` (JobKinds.swift).
protocol JobHandler: Sendable {
    associatedtype Payload: Codable & Sendable
    /// Stored in `jobs.kind`; never rename a kind that may still have rows.
    static var kind: String { get }
    /// Attempts before the job is parked as `dead`.
    static var maxAttempts: Int { get }
    /// At most this many of the kind run at once in one process (nil: as many as there are
    /// slots). CPU-heavy kinds (ffmpeg) take one: a burst of them must not starve the others.
    static var concurrency: Int? { get }
    /// Waits while this process runs paid generation work (`PaidWorkLoad`), at most
    /// `JobSettings.yieldAtMost`: background CPU work nobody pays for per item (posters).
    static var yieldsToPaidWork: Bool { get }
    /// Throwing schedules a retry with backoff (or `dead` after the last attempt). Handlers
    /// must be safe to run again: a worker may die after the work but before recording it.
    func run(_ payload: Payload, context: JobContext) async throws
}

extension JobHandler {
    static var maxAttempts: Int { 5 }
    static var concurrency: Int? { nil }
    static var yieldsToPaidWork: Bool { false }
}

/// What a running job knows about itself. Writes a handler wants fenced can name `leaseToken`
/// (`WHERE … AND EXISTS (SELECT 1 FROM jobs WHERE id = $id AND lease_token = $token)`).
struct JobContext: Sendable {
    let id: UUID
    let team: UUID?
    let attempt: Int
    let leaseToken: UUID
    /// The queue's clock at claim time.
    let now: Date
    let logger: Logger
}

/// Every job kind this build runs: kind name → payload type → handler, filled in one place.
struct JobRegistry: Sendable {
    typealias Run = @Sendable (_ payload: Data, _ context: JobContext) async throws -> Void
    private var runs: [String: Run] = [:]
    private var limits: [String: Int] = [:]
    private var yieldingKinds: Set<String> = []

    init() {}

    mutating func register<Handler: JobHandler>(_ handler: Handler) {
        precondition(runs[Handler.kind] == nil, "job kind \(Handler.kind) is registered twice")
        runs[Handler.kind] = { payload, context in
            try await handler.run(try JSONDecoder().decode(Handler.Payload.self, from: payload), context: context)
        }
        limits[Handler.kind] = Handler.concurrency
        if Handler.yieldsToPaidWork { yieldingKinds.insert(Handler.kind) }
    }

    /// Kinds a worker claims: a job of a kind this build does not know waits for one that does.
    var kinds: [String] { runs.keys.sorted() }

    /// The kinds a worker may claim now, given how many of each it runs: a kind at its
    /// `concurrency` waits until one of its own finishes.
    func claimable(running: [String: Int]) -> [String] {
        kinds.filter { kind in limits[kind].map { running[kind, default: 0] < $0 } ?? true }
    }

    /// `kinds` split in two while paid work is busy: the ones to claim now, and the ones that
    /// yield to it (claimed only once they have waited their longest).
    func yielding(_ kinds: [String], paidWorkBusy: Bool) -> (now: [String], late: [String]) {
        guard paidWorkBusy else { return (kinds, []) }
        return (kinds.filter { !yieldingKinds.contains($0) }, kinds.filter { yieldingKinds.contains($0) })
    }

    func run(kind: String) -> Run? { runs[kind] }
}

/// A job the workers enqueue once per period; the dedupe key names the period, so any number
/// of replicas create exactly one.
struct PeriodicJob: Sendable {
    let kind: String
    let every: Duration
    let enqueue: @Sendable (_ queue: JobQueue, _ dedupeKey: String) async throws -> Void

    init<Handler: JobHandler>(_ handler: Handler.Type, every: Duration, payload: Handler.Payload) {
        kind = Handler.kind
        self.every = every
        enqueue = { queue, key in try await queue.enqueue(Handler.self, payload, dedupeKey: key) }
    }

    /// The key of the period `now` falls in, e.g. `every-600s@2944123`.
    func dedupeKey(at now: Date) -> String {
        let seconds = max(1, every.seconds)
        return "every-\(Int(seconds))s@\(Int((now.timeIntervalSince1970 / seconds).rounded(.down)))"
    }
}
