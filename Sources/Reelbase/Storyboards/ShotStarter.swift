import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Starts one shot of a running storyboard: its continuity frame first (outside any
/// transaction: ffmpeg), then, in one transaction under the storyboard's row lock, the
/// generations of its takes, paid from the storyboard's hold.
struct ShotStarter: Sendable {
    let db: PostgresClient
    let shots: ShotPlanner
    let generations: GenerationRepository
    let frames: ContinuityFrames
    let events: StoryboardEvents
    let logger: Logger

    /// A reason the shot cannot start that a person must fix (the storyboard pauses with it).
    struct Problem: Error { let message: String }

    func start(board: Storyboard, shot: Shot, continuingFrom previous: UUID?, team: UUID) async throws {
        var frame: UUID?
        if shot.continuity {
            guard let previous else { throw Problem(message: "Shot \(shot.position + 1) continues the shot before, which has no chosen take.") }
            frame = try await frames.lastFrame(of: previous, team: team, campaign: board.campaign_id)
        }
        let plans: [PlannedGeneration]
        do {
            plans = try await shots.plan(ShotDefinition(shot), campaign: board.campaign_id, team: team, firstFrame: frame)
        } catch let error as AppError where error.status.code < 500 {
            throw Problem(message: "Shot \(shot.position + 1) cannot start: \(error.message) \(error.details.map { "\($0)" } ?? "")")
        }
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                SELECT b.status, b.reserved_usd, b.started_by, b.started_api_key, s.round FROM storyboards b
                JOIN storyboard_shots s ON s.storyboard_id = b.id AND s.id = \(shot.id)
                WHERE b.team_id = \(team) AND b.id = \(board.id) FOR UPDATE OF b
                """, logger: logger)
            guard let (status, held, user, apiKey, round) = try await rows.decode((String, Decimal, UUID?, UUID?, Int).self).firstElement(),
                  status == Storyboard.Status.running.rawValue else { return }
            // The idempotency check: a retried job finds this round's takes and makes none.
            let made = try await conn.query("SELECT 1 FROM storyboard_shot_takes WHERE shot_id = \(shot.id) AND round = \(round) LIMIT 1", logger: logger)
            guard try await made.decode(Int.self).firstElement() == nil else { return }
            let needed = plans.reduce(Decimal(0)) { $0 + $1.estimate }
            let fromHold = min(held, needed)
            // Prices may have changed since generate: what the hold lacks is reserved now (or 402).
            if needed > fromHold {
                try await generations.reserve(needed - fromHold, team: team, on: conn)
                try await generations.reserve(needed - fromHold, team: team, campaign: board.campaign_id, on: conn)
            }
            try await conn.query("""
                UPDATE storyboards SET reserved_usd = reserved_usd - \(fromHold), updated_at = clock_timestamp() WHERE id = \(board.id)
                """, logger: logger)
            let actor = apiKey.map { AuditActor(type: "api_key", id: $0, ip: nil) } ?? user.map { AuditActor(type: "user", id: $0, ip: nil) } ?? .system
            let accepted = try await generations.insert(plans, team: team, createdBy: user, apiKeyID: apiKey, actor: actor, on: conn)
            let takes = accepted.enumerated().map { index, generation -> SQLFragment in "(\(shot.id), \(round), \(index), \(generation.id))" }
            try await conn.query("INSERT INTO storyboard_shot_takes (shot_id, round, take_index, generation_id) VALUES \(list: takes)", logger: logger)
            try await conn.query("UPDATE storyboard_shots SET continuity_asset_id = \(frame), updated_at = clock_timestamp() WHERE id = \(shot.id)", logger: logger)
            try await events.record(.progress, team: team, storyboard: board.id, campaign: board.campaign_id, shot: shot.id, status: .running,
                                    details: ["step": "shot_started", "position": .number(Double(shot.position)),
                                              "generation_ids": .array(accepted.map { .string($0.id.uuidString.lowercased()) })], on: conn)
        }
    }
}

/// The first frame of a continuing shot: the exact last frame of the previous shot's chosen
/// take, extracted from its archived video and kept as a PNG asset (one per distinct image:
/// assets are deduplicated by digest), linked to the take it came from.
struct ContinuityFrames: Sendable {
    let db: PostgresClient
    let generations: GenerationRepository
    let store: any BlobStore
    let intake: AssetIntake
    /// `services.video.lastFrame(of:)`: a PNG of the last decoded frame.
    let lastFrame: @Sendable (Data) async throws -> Data
    let logger: Logger

    func lastFrame(of generation: UUID, team: UUID, campaign: UUID) async throws -> UUID {
        guard let blob = try await generations.videoBlob(team: team, id: generation) else {
            throw ShotStarter.Problem(message: "The chosen take \(generation) has no archived video.")
        }
        let video = Data(buffer: try await store.read(team: team, id: blob, range: nil).collect())
        let png: Data
        do { png = try await lastFrame(video) } catch {
            throw ShotStarter.Problem(message: "The last frame of take \(generation) could not be extracted: \(error)")
        }
        var metadata = try AssetMetadata(role: AssetRole.first_frame.rawValue, name: "Last frame of \(generation.uuidString.lowercased())", tags: ["continuity"], campaign: nil)
        metadata.campaign = campaign
        let outcome = try await intake.ingest(team: team, body: ReplayedBody(head: [ByteBuffer(bytes: png)], rest: NoMoreBytes?.none),
                                              metadata: { metadata }, createdBy: nil, actor: .system)
        try await db.query("""
            INSERT INTO asset_frame_sources (team_id, asset_id, generation_id, frame) VALUES (\(team), \(outcome.asset.id), \(generation), 'last')
            ON CONFLICT DO NOTHING
            """, logger: logger)
        return outcome.asset.id
    }
}
