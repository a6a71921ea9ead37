import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
@testable import Reelbase

/// A job queue on a database of its own (a clone of the migrated template), a clock the test
/// sets, and job kinds that record what ran.
struct JobTestBed: Sendable {
    let services: Services
    let clock: ManualClock
    let runs: RunLog
    var queue: JobQueue { services.jobs }
    var db: PostgresClient { services.db }

    static func run(settings: JobSettings = .fast, _ body: @Sendable (JobTestBed) async throws -> Void) async throws {
        try await withScratchDatabase(migrated: true) { scratch in
            var config = try TestEnv.config(databaseURL: scratch.url)
            config.jobs = settings
            let clock = ManualClock()
            let services = try Services(config: config, logger: TestEnv.logger, http: .shared, urlFetcher: nil, clock: clock)
            try await services.db.whileRunning { try await body(JobTestBed(services: services, clock: clock, runs: RunLog())) }
        }
    }

    /// A worker that knows the test kinds and the standard ones.
    func worker(id: String = "test-worker") -> JobWorker {
        var settings = queue.settings
        settings.workerID = id
        var registry = JobRegistry.standard(services)
        registry.register(RecordedJob(runs: runs))
        registry.register(FailingJob(runs: runs))
        let queue = JobQueue(db: db, settings: settings, clock: clock, logger: TestEnv.logger)
        return JobWorker(queue: queue, registry: registry, periodic: PeriodicJob.standard(services.config), migrations: nil, logger: TestEnv.logger)
    }

    /// The row as stored, decoded into its real types.
    func row(_ id: UUID) async throws -> JobRow {
        let rows = try await db.query("""
            SELECT kind, state, attempts, max_attempts, run_at, lease_token, last_error FROM jobs WHERE id = \(id)
            """, logger: TestEnv.logger)
        let r = try #require(try await rows.decode((String, JobState, Int, Int, Date, UUID?, String?).self).firstElement())
        return JobRow(kind: r.0, state: r.1, attempts: r.2, maxAttempts: r.3, runAt: r.4, leaseToken: r.5, lastError: r.6)
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        try await db.query(query, logger: TestEnv.logger).decode(Int.self).firstElement() ?? -1
    }
}

struct JobRow: Equatable {
    let kind: String
    let state: JobState
    let attempts: Int
    let maxAttempts: Int
    let runAt: Date
    let leaseToken: UUID?
    let lastError: String?
}

extension JobSettings {
    /// Short leases and polls; backoff from 1 s (the tests move the clock, they do not wait).
    static var fast: JobSettings {
        var settings = JobSettings()
        settings.lease = .seconds(30)
        settings.heartbeat = .seconds(10)
        settings.idlePoll = .milliseconds(50)
        settings.backoffBase = .seconds(1)
        settings.backoffCap = .seconds(3600)
        settings.shutdownGrace = .seconds(10)
        return settings
    }
}

/// Every execution, in order, with the payload's label.
final class RunLog: Sendable {
    private let entries = Mutex<[(job: UUID, label: String)]>([])
    func append(_ job: UUID, _ label: String) { entries.withLock { $0.append((job, label)) } }
    var jobs: [UUID] { entries.withLock { $0.map(\.job) } }
    var labels: [String] { entries.withLock { $0.map(\.label) } }
}

struct Labelled: Codable, Sendable {
    var label: String
    var sleepMilliseconds: Int = 0
}

/// Records that it ran (after an optional pause, to overlap with other workers).
struct RecordedJob: JobHandler {
    typealias Payload = Labelled
    static let kind = "test_recorded"
    let runs: RunLog

    func run(_ payload: Labelled, context: JobContext) async throws {
        if payload.sleepMilliseconds > 0 { try await Task.sleep(for: .milliseconds(payload.sleepMilliseconds)) }
        runs.append(context.id, payload.label)
    }
}

/// Always fails, saying which attempt it was.
struct FailingJob: JobHandler {
    typealias Payload = Labelled
    static let kind = "test_failing"
    static let maxAttempts = 4
    let runs: RunLog

    struct Boom: Error, CustomStringConvertible {
        let attempt: Int
        var description: String { "boom on attempt \(attempt)" }
    }

    func run(_ payload: Labelled, context: JobContext) async throws {
        runs.append(context.id, payload.label)
        throw Boom(attempt: context.attempt)
    }
}
