import Foundation
import Logging
import PostgresNIO

/// Every minute: an `advance_storyboard` run for each running storyboard. Takes that end
/// through the worker wake their storyboard in the same transaction (`JobOutcomes`); this
/// catches the other ways a take can end (a person cancels it or settles a `submit_unknown`
/// one) and anything a crash left. Advancing is idempotent, so an extra run costs one read.
struct SweepRunningStoryboards: JobHandler {
    struct Payload: Codable, Sendable {}
    static let kind = "sweep_running_storyboards"
    static let maxAttempts = 2
    static let every: Duration = .seconds(60)

    let db: PostgresClient
    let jobs: JobQueue
    let logger: Logger

    func run(_ payload: Payload, context: JobContext) async throws {
        let rows = try await db.query("""
            SELECT id, team_id FROM storyboards WHERE status = \(Storyboard.Status.running.rawValue) ORDER BY updated_at LIMIT 1000
            """, logger: logger)
        var running: [(UUID, UUID)] = []
        for try await row in rows.decode((UUID, UUID).self) { running.append(row) }
        for (storyboard, team) in running {
            try await jobs.enqueue(AdvanceStoryboard.self, .init(storyboard: storyboard), team: team)
        }
    }
}
