import Foundation
import Logging
import PostgresNIO

/// The `advance_storyboard` job: looks at a running storyboard and takes the next step (start
/// the next shot, choose a lone take, wait for a person, pause on a failed shot, finish). It
/// keeps no state of its own, so any number of runs, a retry after a killed worker included,
/// lead to the same storyboard: a shot's takes are created once per round (the primary key of
/// `storyboard_shot_takes`, checked under the storyboard's row lock).
/// Woken by generate/resume/chosen-take and by every take that finishes (`JobOutcomes`).
struct AdvanceStoryboard: JobHandler {
    struct Payload: Codable, Sendable {
        let storyboard: UUID
    }

    static let kind = "advance_storyboard"
    let advancer: StoryboardAdvancer

    func run(_ payload: Payload, context: JobContext) async throws {
        guard let team = context.team else { return }
        try await advancer.advance(team: team, id: payload.storyboard)
    }

    /// Enqueues a run for the storyboard `generation` is a take of, if any (inside the caller's
    /// transaction: the generation's final state and the wake-up commit together).
    static func wake(after generation: UUID, jobs: JobQueue, on conn: PostgresConnection, logger: Logger) async throws {
        try await wake(after: [generation], jobs: jobs, on: conn, logger: logger)
    }

    /// One run per storyboard that any of `generations` is a take of: one look for a whole batch.
    static func wake(after generations: [UUID], jobs: JobQueue, on conn: PostgresConnection, logger: Logger) async throws {
        let rows = try await conn.query("""
            SELECT DISTINCT s.storyboard_id, s.team_id FROM storyboard_shot_takes t JOIN storyboard_shots s ON s.id = t.shot_id
            WHERE t.generation_id = ANY(\(generations))
            """, logger: logger)
        for (storyboard, team) in try await rows.decode((UUID, UUID).self).reduce(into: [(UUID, UUID)](), { $0.append($1) }) {
            try await jobs.enqueue(Self.self, .init(storyboard: storyboard), team: team, on: conn)
        }
    }
}

/// The steps themselves.
struct StoryboardAdvancer: Sendable {
    let db: PostgresClient
    let storyboards: StoryboardRepository
    let starter: ShotStarter
    let events: StoryboardEvents
    let logger: Logger

    private static let inFlight: Set<String> = ["queued", "submitting", "submitted", "submit_unknown", "cancel_requested"]

    func advance(team: UUID, id: UUID) async throws {
        guard let board = try await storyboards.find(team: team, id: id, withShots: true), board.status == .running else { return }
        let shots = board.shots ?? []
        var previousChoice: UUID?
        for (index, shot) in shots.enumerated() {
            if shot.takes_made.isEmpty {
                do {
                    try await starter.start(board: board, shot: shot, continuingFrom: shot.continuity ? previousChoice : nil, team: team)
                } catch let problem as ShotStarter.Problem {
                    try await pause(board, shot: shot, message: problem.message, team: team)
                } catch let error as AppError where error.code == "budget_exceeded" {
                    try await pause(board, shot: shot, message: "Shot \(shot.position + 1) cannot start: \(error.message)", team: team)
                }
                return
            }
            if shot.takes_made.contains(where: { Self.inFlight.contains($0.state) }) { return }
            let succeeded = shot.takes_made.filter { $0.state == "succeeded" }
            if succeeded.isEmpty {
                try await pause(board, shot: shot, message: try await failure(of: shot), team: team)
                return
            }
            var chosen = shot.chosen_generation_id
            if chosen == nil, succeeded.count == 1 {
                chosen = succeeded[0].generation_id
                try await chooseAutomatically(board, shot: shot, generation: succeeded[0].generation_id, team: team)
            }
            if chosen == nil, index + 1 < shots.count, shots[index + 1].continuity {
                try await waitForChoice(board, shot: shot, team: team)
                return
            }
            previousChoice = chosen
        }
        try await finish(board, team: team)
    }

    /// Why the shot failed: its last take's error.
    private func failure(of shot: Shot) async throws -> String {
        let rows = try await db.query("""
            SELECT coalesce(error_message, state) FROM generations WHERE id = ANY(\(shot.takes_made.map(\.generation_id))) ORDER BY updated_at DESC LIMIT 1
            """, logger: logger)
        let reason = try await rows.decode(String.self).firstElement() ?? "failed"
        return "Shot \(shot.position + 1) failed: \(reason)"
    }

    func pause(_ board: Storyboard, shot: Shot?, message: String, team: UUID) async throws {
        try await transition(board, team: team) { conn in
            let rows = try await conn.query("""
                UPDATE storyboards SET status = \(Storyboard.Status.paused.rawValue), error_shot_id = \(shot?.id), error_message = \(message),
                    waiting_shot_id = NULL, updated_at = clock_timestamp()
                WHERE id = \(board.id) AND status = \(Storyboard.Status.running.rawValue) RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return }
            try await storyboards.audit.append(AuditEvent("storyboard.paused", target: "storyboard", id: board.id.uuidString,
                                                          details: ["shot_id": shot.map { .string($0.id.uuidString) } ?? .null, "message": .string(message)]),
                                              team: team, actor: .system, on: conn)
            try await events.record(.paused, team: team, storyboard: board.id, campaign: board.campaign_id, shot: shot?.id, status: .paused,
                                    details: ["message": .string(message)], on: conn)
        }
    }

    private func chooseAutomatically(_ board: Storyboard, shot: Shot, generation: UUID, team: UUID) async throws {
        try await transition(board, team: team) { conn in
            let rows = try await conn.query("""
                UPDATE storyboard_shots SET chosen_generation_id = \(generation), updated_at = clock_timestamp()
                WHERE id = \(shot.id) AND chosen_generation_id IS NULL RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return }
            try await events.record(.progress, team: team, storyboard: board.id, campaign: board.campaign_id, shot: shot.id, status: .running,
                                    details: ["step": "take_chosen", "generation_id": .string(generation.uuidString.lowercased())], on: conn)
        }
    }

    private func waitForChoice(_ board: Storyboard, shot: Shot, team: UUID) async throws {
        guard board.waiting_for_choice?.shot_id != shot.id else { return }
        try await transition(board, team: team) { conn in
            try await conn.query("UPDATE storyboards SET waiting_shot_id = \(shot.id), updated_at = clock_timestamp() WHERE id = \(board.id)", logger: logger)
            try await events.record(.progress, team: team, storyboard: board.id, campaign: board.campaign_id, shot: shot.id, status: .running,
                                    details: ["step": "waiting_for_choice"], on: conn)
        }
    }

    /// Every shot has a succeeded take: what the storyboard still holds goes back to the budgets.
    private func finish(_ board: Storyboard, team: UUID) async throws {
        try await transition(board, team: team) { conn in
            let rows = try await conn.query("SELECT reserved_usd FROM storyboards WHERE id = \(board.id)", logger: logger)
            let held = try await rows.decode(Decimal.self).firstElement() ?? 0
            try await conn.query("""
                UPDATE storyboards SET status = \(Storyboard.Status.finished.rawValue), reserved_usd = 0, waiting_shot_id = NULL,
                    updated_at = clock_timestamp()
                WHERE id = \(board.id)
                """, logger: logger)
            try await StoryboardHold.release(held, team: team, campaign: board.campaign_id, on: conn, logger: logger)
            try await storyboards.audit.append(AuditEvent("storyboard.finished", target: "storyboard", id: board.id.uuidString,
                                                          details: ["released_usd": .string("\(held)")]), team: team, actor: .system, on: conn)
            try await events.record(.finished, team: team, storyboard: board.id, campaign: board.campaign_id, status: .finished, on: conn)
        }
    }

    /// A change under the storyboard's row lock, only while it is still running.
    private func transition(_ board: Storyboard, team: UUID, _ body: (PostgresConnection) async throws -> Void) async throws {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                SELECT status FROM storyboards WHERE team_id = \(team) AND id = \(board.id) FOR UPDATE
                """, logger: logger)
            guard try await rows.decode(String.self).firstElement() == Storyboard.Status.running.rawValue else { return }
            try await body(conn)
        }
    }
}
