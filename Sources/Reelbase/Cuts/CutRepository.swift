import Foundation
import Logging
import PostgresNIO

/// The `storyboard_cuts` table: starting a cut (checked, numbered and queued in one
/// transaction), reading cuts, and recording how a render ended. Every query is scoped by team.
struct CutRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let jobs: JobQueue
    let events: CutEvents
    let logger: Logger

    enum StartResult: Sendable {
        case started(Cut)
        case notFound
        case noShots
        case missingTakes([ShotWithoutTake])
    }

    /// Numbers a new cut of the chosen takes and queues its render, or says why it cannot.
    func start(team: UUID, storyboard: UUID, createdBy: UUID?, actor: AuditActor) async throws -> StartResult {
        try await db.transaction(logger: logger) { conn in
            // The lock orders concurrent cuts of one storyboard, so numbers never collide.
            let boards = try await conn.query(
                "SELECT id FROM storyboards WHERE team_id = \(team) AND id = \(storyboard) FOR UPDATE", logger: logger)
            guard try await boards.decode(UUID.self).firstElement() != nil else { return .notFound }
            let rows = try await conn.query("""
                SELECT s.id, s.position, s.chosen_generation_id, g.state, g.video_blob_id IS NOT NULL
                FROM storyboard_shots s
                LEFT JOIN generations g ON g.team_id = s.team_id AND g.id = s.chosen_generation_id
                WHERE s.team_id = \(team) AND s.storyboard_id = \(storyboard)
                ORDER BY s.position, s.id
                """, logger: logger)
            var takes: [UUID] = []
            var problems: [ShotWithoutTake] = []
            for try await (shot, position, chosen, state, hasVideo) in rows.decode((UUID, Int, UUID?, String?, Bool?).self) {
                guard let chosen else {
                    problems.append(ShotWithoutTake(shotID: shot, position: position, reason: "no chosen take"))
                    continue
                }
                guard state == GenerationState.succeeded.rawValue, hasVideo == true else {
                    problems.append(ShotWithoutTake(shotID: shot, position: position, reason: "its chosen take has no archived video"))
                    continue
                }
                takes.append(chosen)
            }
            if !problems.isEmpty { return .missingTakes(problems) }
            if takes.isEmpty { return .noShots }
            let inserted = try await conn.query("""
                INSERT INTO storyboard_cuts (team_id, storyboard_id, number, generation_ids, created_by)
                SELECT \(team), \(storyboard), COALESCE(MAX(number), 0) + 1, \(takes), \(createdBy)
                FROM storyboard_cuts WHERE team_id = \(team) AND storyboard_id = \(storyboard)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            guard let cut = try await Self.cuts(inserted).first else { throw AppError.conflict("The cut could not be numbered.") }
            try await jobs.enqueue(RenderCut.self, .init(team: team, storyboard: storyboard, number: cut.number), team: team, on: conn)
            try await audit.append(AuditEvent("storyboard.cut", target: "storyboard", id: storyboard.uuidString.lowercased(), details: [
                "number": .number(Double(cut.number)), "generation_ids": .array(takes.map { .string($0.uuidString.lowercased()) }),
            ]), team: team, actor: actor, on: conn)
            return .started(cut)
        }
    }

    /// The storyboard's cuts, oldest first; nil when the storyboard is not this team's.
    func list(team: UUID, storyboard: UUID) async throws -> [Cut]? {
        let exists = try await db.query("SELECT 1 FROM storyboards WHERE team_id = \(team) AND id = \(storyboard)", logger: logger)
        guard try await exists.decode(Int.self).firstElement() != nil else { return nil }
        return try await Self.cuts(try await db.query("""
            SELECT \(unescaped: Self.columns) FROM storyboard_cuts
            WHERE team_id = \(team) AND storyboard_id = \(storyboard) ORDER BY number
            """, logger: logger))
    }

    func find(team: UUID, storyboard: UUID, number: Int) async throws -> Cut? {
        try await Self.cuts(try await db.query("""
            SELECT \(unescaped: Self.columns) FROM storyboard_cuts
            WHERE team_id = \(team) AND storyboard_id = \(storyboard) AND number = \(number)
            """, logger: logger)).first
    }

    /// The blobs a cut's video and poster live in.
    func blobs(team: UUID, storyboard: UUID, number: Int) async throws -> (video: UUID?, poster: UUID?)? {
        let rows = try await db.query("""
            SELECT video_blob_id, poster_blob_id FROM storyboard_cuts
            WHERE team_id = \(team) AND storyboard_id = \(storyboard) AND number = \(number)
            """, logger: logger)
        return try await rows.decode((UUID?, UUID?).self).firstElement().map { (video: $0.0, poster: $0.1) }
    }

    /// What a render needs: the cut's state and its takes' video blobs in order; nil in
    /// `videos` when a take's video is gone.
    func renderInputs(team: UUID, storyboard: UUID, number: Int) async throws -> (state: Cut.State, videos: [UUID]?)? {
        let rows = try await db.query("""
            SELECT c.state, cardinality(c.generation_ids),
                   (SELECT array_agg(g.video_blob_id ORDER BY t.ord)
                    FROM unnest(c.generation_ids) WITH ORDINALITY AS t(id, ord)
                    JOIN generations g ON g.team_id = c.team_id AND g.id = t.id
                    WHERE g.video_blob_id IS NOT NULL)
            FROM storyboard_cuts c
            WHERE c.team_id = \(team) AND c.storyboard_id = \(storyboard) AND c.number = \(number)
            """, logger: logger)
        guard let (state, expected, videos) = try await rows.decode((String, Int, [UUID]?).self).firstElement() else { return nil }
        return (state: Cut.State(rawValue: state) ?? .failed, videos: videos?.count == expected ? videos : nil)
    }

    /// Records the finished video; false when the cut was no longer rendering (another run was first).
    func finish(team: UUID, storyboard: UUID, number: Int, video: UUID, poster: UUID?, probe: VideoProbe) async throws -> Bool {
        try await end(team: team, storyboard: storyboard, number: number, event: .ready) { conn in
            try await conn.query("""
                UPDATE storyboard_cuts SET state = \(Cut.State.ready.rawValue), video_blob_id = \(video), poster_blob_id = \(poster),
                    duration_seconds = \(probe.duration), width = \(probe.width), height = \(probe.height),
                    has_audio = \(probe.hasAudio), updated_at = clock_timestamp()
                WHERE team_id = \(team) AND storyboard_id = \(storyboard) AND number = \(number) AND state = \(Cut.State.rendering.rawValue)
                RETURNING number
                """, logger: logger)
        }
    }

    /// Records why the cut could not be made; false when it was no longer rendering.
    @discardableResult
    func fail(team: UUID, storyboard: UUID, number: Int, message: String) async throws -> Bool {
        try await end(team: team, storyboard: storyboard, number: number, event: .failed) { conn in
            try await conn.query("""
                UPDATE storyboard_cuts SET state = \(Cut.State.failed.rawValue), error = \(String(message.prefix(1000))), updated_at = clock_timestamp()
                WHERE team_id = \(team) AND storyboard_id = \(storyboard) AND number = \(number) AND state = \(Cut.State.rendering.rawValue)
                RETURNING number
                """, logger: logger)
        }
    }

    /// Runs the fenced update and, when it changed the cut, writes its event in the same transaction.
    private func end(team: UUID, storyboard: UUID, number: Int, event: CutEvents.Kind,
                     _ update: @escaping @Sendable (PostgresConnection) async throws -> PostgresRowSequence) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            guard try await update(conn).decode(Int.self).firstElement() != nil else { return false }
            try await events.record(event, team: team, storyboard: storyboard, number: number, on: conn)
            return true
        }
    }

    static let columns = """
        number, storyboard_id, state, generation_ids, duration_seconds, width, height, has_audio, error, created_at,
        video_blob_id IS NOT NULL, poster_blob_id IS NOT NULL
        """

    private static func cuts(_ rows: PostgresRowSequence) async throws -> [Cut] {
        var result: [Cut] = []
        for try await c in rows.decode((Int, UUID, String, [UUID], Double?, Int?, Int?, Bool?, String?, Date, Bool, Bool).self) {
            let path = Cut.path(storyboard: c.1, number: c.0)
            result.append(Cut(number: c.0, storyboard_id: c.1, state: Cut.State(rawValue: c.2) ?? .failed, generation_ids: c.3, duration_seconds: c.4, width: c.5,
                              height: c.6, has_audio: c.7, error: c.8, created_at: c.9,
                              video_url: c.10 ? path + "/video" : nil, poster_url: c.11 ? path + "/poster" : nil))
        }
        return result
    }
}
