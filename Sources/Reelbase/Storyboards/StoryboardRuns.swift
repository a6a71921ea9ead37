import Foundation
import Logging
import PostgresNIO

/// Starting and resuming a storyboard: the whole remaining storyboard is reserved against the
/// team's and the campaign's budgets in one transaction, all or nothing, then the
/// `advance_storyboard` job runs the shots in order.
struct StoryboardRuns: Sendable {
    let db: PostgresClient
    let storyboards: StoryboardRepository
    let shots: ShotPlanner
    let generations: GenerationRepository
    let jobs: JobQueue
    let audit: AuditRepository
    let events: StoryboardEvents
    let logger: Logger

    struct Estimate: Sendable {
        let shots: Int
        let takes: Int
        let total: Decimal
    }

    /// What generating the shots from `position` on would make and cost (every shot planned
    /// exactly as it will be; a shot with continuity priced as the same request with a first frame).
    func estimate(_ board: Storyboard, team: UUID, from position: Int = 0) async throws -> Estimate {
        let remaining = (board.shots ?? []).filter { $0.position >= position }
        guard !remaining.isEmpty else { throw AppError.validation("The storyboard has no shots to generate.", details: ["shots": "add a shot first"]) }
        if let first = board.shots?.first, first.continuity {
            throw AppError.validation("The first shot cannot have `continuity`.", details: ["continuity": "not allowed on the first shot"])
        }
        let lookups = PlanningLookups()
        var total = Decimal(0), takes = 0
        for shot in remaining {
            do {
                let plans = try await shots.plan(ShotDefinition(shot), campaign: board.campaign_id, team: team, lookups: lookups)
                total += plans.reduce(Decimal(0)) { $0 + $1.estimate }
                takes += plans.count
            } catch let error as AppError {
                throw AppError(error.status, error.code, "Shot \(shot.position + 1): \(error.message)", details: error.details)
            }
        }
        return Estimate(shots: remaining.count, takes: takes, total: total)
    }

    /// Reserves everything and starts every shot over (a new round). Draft or finished only.
    func generate(team: UUID, id: UUID, identity: Identity, ip: String?) async throws -> Estimate {
        guard let board = try await storyboards.find(team: team, id: id, withShots: true) else { throw AppError.notFound("storyboard") }
        let estimate = try await estimate(board, team: team)
        try await start(team: team, board: board, identity: identity, ip: ip, amount: estimate.total, allowed: [.draft, .finished],
                        event: "storyboard.generate_started", details: ["shots": .number(Double(estimate.shots)), "takes": .number(Double(estimate.takes))]) { conn in
            try await conn.query("""
                UPDATE storyboard_shots SET round = round + 1, chosen_generation_id = NULL, continuity_asset_id = NULL, updated_at = clock_timestamp()
                WHERE storyboard_id = \(id)
                """, logger: logger)
        }
        return estimate
    }

    /// Continues a paused storyboard where it stopped: the failed shot is made again (a new
    /// round), the shots after it as planned. Reserves what the hold no longer covers.
    func resume(team: UUID, id: UUID, identity: Identity, ip: String?) async throws -> Estimate {
        guard let board = try await storyboards.find(team: team, id: id, withShots: true) else { throw AppError.notFound("storyboard") }
        guard board.status == .paused else { throw AppError.conflict("Only a paused storyboard can be resumed; this one is \(board.status.rawValue).") }
        let failed = board.shots?.first { $0.id == board.error?.shot_id }
        // From the failed shot (or the first shot not yet started) on.
        let from = failed?.position ?? board.shots?.first { $0.takes_made.isEmpty }?.position ?? 0
        let estimate = try await estimate(board, team: team, from: from)
        try await start(team: team, board: board, identity: identity, ip: ip, amount: estimate.total, allowed: [.paused], topUp: true,
                        event: "storyboard.resumed", details: ["shot_id": failed.map { .string($0.id.uuidString) } ?? .null]) { conn in
            guard let failed else { return }
            try await conn.query("""
                UPDATE storyboard_shots SET round = round + 1, chosen_generation_id = NULL, continuity_asset_id = NULL, updated_at = clock_timestamp()
                WHERE id = \(failed.id)
                """, logger: logger)
        }
        return estimate
    }

    /// Runs the advance job soon (a take was chosen, a take finished, a person resumed).
    func wake(storyboard: UUID, team: UUID, on conn: PostgresConnection? = nil) async throws {
        if let conn {
            try await jobs.enqueue(AdvanceStoryboard.self, .init(storyboard: storyboard), team: team, on: conn)
        } else {
            try await jobs.enqueue(AdvanceStoryboard.self, .init(storyboard: storyboard), team: team)
        }
    }

    /// One transaction: the status check under the row lock, the reservation (all of `amount`,
    /// or with `topUp` what the hold lacks), the status, the shots' new round, audit, event, job.
    private func start(team: UUID, board: Storyboard, identity: Identity, ip: String?, amount: Decimal, allowed: Set<Storyboard.Status>,
                       topUp: Bool = false, event: String, details: [String: JSONValue],
                       shotsChange: (PostgresConnection) async throws -> Void) async throws {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("SELECT status, reserved_usd FROM storyboards WHERE team_id = \(team) AND id = \(board.id) FOR UPDATE", logger: logger)
            guard let (raw, held) = try await rows.decode((String, Decimal).self).firstElement() else { throw AppError.notFound("storyboard") }
            let status = Storyboard.Status(rawValue: raw) ?? .draft
            guard allowed.contains(status) else {
                throw AppError.conflict(status == .running ? "The storyboard is already running." : "A \(status.rawValue) storyboard cannot do this; use resume.")
            }
            let reserve = topUp ? max(amount - held, 0) : amount
            if reserve > 0 {
                try await generations.reserve(reserve, team: team, on: conn)
                try await generations.reserve(reserve, team: team, campaign: board.campaign_id, on: conn)
            }
            let apiKey: UUID? = if case .apiKey(let key, _) = identity.actor { key } else { nil }
            try await conn.query("""
                UPDATE storyboards SET status = \(Storyboard.Status.running.rawValue), reserved_usd = reserved_usd + \(reserve),
                    error_shot_id = NULL, error_message = NULL, waiting_shot_id = NULL,
                    started_by = \(identity.userID), started_api_key = \(apiKey), updated_at = clock_timestamp()
                WHERE id = \(board.id)
                """, logger: logger)
            try await shotsChange(conn)
            var auditDetails = details
            auditDetails["reserved_usd"] = .string("\(reserve)")
            try await audit.append(AuditEvent(event, target: "storyboard", id: board.id.uuidString, details: .object(auditDetails)),
                                   team: team, actor: AuditActor(identity, ip: ip), on: conn)
            try await events.record(.progress, team: team, storyboard: board.id, campaign: board.campaign_id, status: .running, on: conn)
            try await wake(storyboard: board.id, team: team, on: conn)
        }
    }
}
