import Foundation
import Logging
import PostgresNIO

/// Shots: add, change, remove, duplicate, reorder, choose a take. Each write locks the
/// storyboard row first, so positions stay 0…n-1 without gaps under concurrent edits.
extension StoryboardRepository {
    static let maxShots = 100

    private static let shotColumns = """
        SELECT s.id, s.position, s.prompt::text, s.model, s.provider, s.parameters::text, s.first_frame_asset_id, s.last_frame_asset_id,
               s.reference_asset_ids, s.takes, s.continuity, s.chosen_generation_id, s.continuity_asset_id, s.round, s.created_at, s.updated_at
        FROM storyboard_shots s
        """

    func shots(team: UUID, storyboard: UUID) async throws -> [Shot] {
        try await fetchShots("WHERE s.team_id = \(team) AND s.storyboard_id = \(storyboard) ORDER BY s.position")
    }

    func shot(team: UUID, storyboard: UUID, id: UUID) async throws -> Shot? {
        try await fetchShots("WHERE s.team_id = \(team) AND s.storyboard_id = \(storyboard) AND s.id = \(id)").first
    }

    /// Adds a shot at `position` (the end when nil or past it). Nil when the storyboard is not the team's.
    func addShot(team: UUID, storyboard: UUID, _ shot: ShotDefinition, position: Int?, actor: AuditActor) async throws -> Shot? {
        let id: UUID? = try await db.transaction(logger: logger) { conn in
            guard try await lockEditable(team: team, storyboard: storyboard, on: conn) else { return nil }
            let count = try await shotCount(storyboard, on: conn)
            guard count < Self.maxShots else { throw AppError.validation("A storyboard has at most \(Self.maxShots) shots.") }
            let at = min(max(position ?? count, 0), count)
            try await checkContinuity(shot.continuity, at: at, on: conn)
            try await conn.query("UPDATE storyboard_shots SET position = position + 1 WHERE storyboard_id = \(storyboard) AND position >= \(at)", logger: logger)
            let id = try await insert(shot, team: team, storyboard: storyboard, position: at, on: conn)
            try await audit.append(AuditEvent("storyboard.shot_added", target: "storyboard", id: storyboard.uuidString,
                                              details: ["shot_id": .string(id.uuidString), "position": .number(Double(at))]),
                                   team: team, actor: actor, on: conn)
            return id
        }
        guard let id else { return nil }
        return try await self.shot(team: team, storyboard: storyboard, id: id)
    }

    func updateShot(team: UUID, storyboard: UUID, id: UUID, _ shot: ShotDefinition, actor: AuditActor) async throws -> Shot? {
        let changed = try await db.transaction(logger: logger) { conn in
            guard try await lockEditable(team: team, storyboard: storyboard, on: conn) else { return false }
            let rows = try await conn.query("""
                SELECT position FROM storyboard_shots WHERE team_id = \(team) AND storyboard_id = \(storyboard) AND id = \(id)
                """, logger: logger)
            guard let position = try await rows.decode(Int.self).firstElement() else { return false }
            try await checkContinuity(shot.continuity, at: position, on: conn)
            try await conn.query("""
                UPDATE storyboard_shots SET prompt = \(try Self.json(shot.prompt))::jsonb, model = \(shot.model), provider = \(shot.provider),
                    parameters = \(try Self.json(shot.parameters))::jsonb, first_frame_asset_id = \(shot.firstFrame),
                    last_frame_asset_id = \(shot.lastFrame), reference_asset_ids = \(shot.references), takes = \(shot.takes),
                    continuity = \(shot.continuity), updated_at = clock_timestamp()
                WHERE id = \(id)
                """, logger: logger)
            try await audit.append(AuditEvent("storyboard.shot_updated", target: "storyboard", id: storyboard.uuidString,
                                              details: ["shot_id": .string(id.uuidString)]), team: team, actor: actor, on: conn)
            return true
        }
        return changed ? try await self.shot(team: team, storyboard: storyboard, id: id) : nil
    }

    func deleteShot(team: UUID, storyboard: UUID, id: UUID, actor: AuditActor) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            guard try await lockEditable(team: team, storyboard: storyboard, on: conn) else { return false }
            let rows = try await conn.query("""
                DELETE FROM storyboard_shots WHERE team_id = \(team) AND storyboard_id = \(storyboard) AND id = \(id) RETURNING position
                """, logger: logger)
            guard let position = try await rows.decode(Int.self).firstElement() else { return false }
            try await conn.query("UPDATE storyboard_shots SET position = position - 1 WHERE storyboard_id = \(storyboard) AND position > \(position)", logger: logger)
            if position == 0 { try await checkContinuity(firstShotOf: storyboard, on: conn) }
            try await audit.append(AuditEvent("storyboard.shot_deleted", target: "storyboard", id: storyboard.uuidString,
                                              details: ["shot_id": .string(id.uuidString)]), team: team, actor: actor, on: conn)
            return true
        }
    }

    /// A copy of the shot's definition (not its takes) right after it.
    func duplicateShot(team: UUID, storyboard: UUID, id: UUID, actor: AuditActor) async throws -> Shot? {
        guard let original = try await shot(team: team, storyboard: storyboard, id: id) else { return nil }
        return try await addShot(team: team, storyboard: storyboard, ShotDefinition(original), position: original.position + 1, actor: actor)
    }

    /// `ids` must be exactly the storyboard's shots, each once.
    func reorder(team: UUID, storyboard: UUID, ids: [UUID], actor: AuditActor) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            guard try await lockEditable(team: team, storyboard: storyboard, on: conn) else { return false }
            let rows = try await conn.query("SELECT id FROM storyboard_shots WHERE storyboard_id = \(storyboard)", logger: logger)
            var current = Set<UUID>()
            for try await id in rows.decode(UUID.self) { current.insert(id) }
            guard Set(ids) == current, ids.count == current.count else {
                throw AppError.validation("`shot_ids` must list every shot of this storyboard exactly once (\(current.count) shots).")
            }
            try await conn.query("""
                UPDATE storyboard_shots s SET position = o.position - 1, updated_at = clock_timestamp()
                FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS o(id, position) WHERE s.id = o.id
                """, logger: logger)
            try await checkContinuity(firstShotOf: storyboard, on: conn)
            try await audit.append(AuditEvent("storyboard.reordered", target: "storyboard", id: storyboard.uuidString,
                                              details: ["shot_ids": .array(ids.map { .string($0.uuidString) })]), team: team, actor: actor, on: conn)
            return true
        }
    }

    /// Outcome of choosing a take.
    enum Choice { case chosen, notFound, notATake, notSucceeded }

    /// The take must be one of the shot's current takes and have succeeded.
    func choose(team: UUID, storyboard: UUID, shot: UUID, generation: UUID, actor: AuditActor) async throws -> Choice {
        try await db.transaction(logger: logger) { conn in
            let locked = try await conn.query("SELECT 1 FROM storyboards WHERE team_id = \(team) AND id = \(storyboard) FOR UPDATE", logger: logger)
            guard try await locked.decode(Int.self).firstElement() != nil else { return .notFound }
            let rows = try await conn.query("""
                SELECT g.state FROM storyboard_shots s JOIN storyboard_shot_takes t ON t.shot_id = s.id AND t.round = s.round
                JOIN generations g ON g.id = t.generation_id
                WHERE s.team_id = \(team) AND s.storyboard_id = \(storyboard) AND s.id = \(shot) AND t.generation_id = \(generation)
                """, logger: logger)
            guard let state = try await rows.decode(GenerationState.self).firstElement() else {
                let exists = try await conn.query("SELECT 1 FROM storyboard_shots WHERE team_id = \(team) AND storyboard_id = \(storyboard) AND id = \(shot)", logger: logger)
                return try await exists.decode(Int.self).firstElement() == nil ? .notFound : .notATake
            }
            guard state == .succeeded else { return .notSucceeded }
            try await conn.query("UPDATE storyboard_shots SET chosen_generation_id = \(generation), updated_at = clock_timestamp() WHERE id = \(shot)", logger: logger)
            try await conn.query("""
                UPDATE storyboards SET waiting_shot_id = NULL, updated_at = clock_timestamp()
                WHERE id = \(storyboard) AND waiting_shot_id = \(shot)
                """, logger: logger)
            try await audit.append(AuditEvent("storyboard.take_chosen", target: "storyboard", id: storyboard.uuidString,
                                              details: ["shot_id": .string(shot.uuidString), "generation_id": .string(generation.uuidString)]),
                                   team: team, actor: actor, on: conn)
            return .chosen
        }
    }

    // MARK: helpers

    /// Locks the storyboard; false when it is not the team's. Shots cannot change while it runs:
    /// what was reserved is what runs.
    private func lockEditable(team: UUID, storyboard: UUID, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query("SELECT status FROM storyboards WHERE team_id = \(team) AND id = \(storyboard) FOR UPDATE", logger: logger)
        guard let status = try await rows.decode(String.self).firstElement() else { return false }
        if status == Storyboard.Status.running.rawValue {
            throw AppError.conflict("The storyboard is running: its shots change once it is paused or finished.")
        }
        return true
    }

    private func shotCount(_ storyboard: UUID, on conn: PostgresConnection) async throws -> Int {
        try await conn.query("SELECT count(*)::int8 FROM storyboard_shots WHERE storyboard_id = \(storyboard)", logger: logger)
            .decode(Int.self).firstElement() ?? 0
    }

    private func checkContinuity(_ continuity: Bool, at position: Int, on conn: PostgresConnection) async throws {
        if continuity && position == 0 {
            throw AppError.validation("The first shot cannot have `continuity`: there is no shot before it.", details: ["continuity": "not allowed on the first shot"])
        }
    }

    private func checkContinuity(firstShotOf storyboard: UUID, on conn: PostgresConnection) async throws {
        let rows = try await conn.query("SELECT continuity FROM storyboard_shots WHERE storyboard_id = \(storyboard) AND position = 0", logger: logger)
        if try await rows.decode(Bool.self).firstElement() == true {
            throw AppError.conflict("The shot that would come first has `continuity`; turn it off first.")
        }
    }

    private func insert(_ shot: ShotDefinition, team: UUID, storyboard: UUID, position: Int, on conn: PostgresConnection) async throws -> UUID {
        let rows = try await conn.query("""
            INSERT INTO storyboard_shots (team_id, storyboard_id, position, prompt, model, provider, parameters, first_frame_asset_id,
                last_frame_asset_id, reference_asset_ids, takes, continuity)
            VALUES (\(team), \(storyboard), \(position), \(try Self.json(shot.prompt))::jsonb, \(shot.model), \(shot.provider),
                \(try Self.json(shot.parameters))::jsonb, \(shot.firstFrame), \(shot.lastFrame), \(shot.references), \(shot.takes), \(shot.continuity))
            RETURNING id
            """, logger: logger)
        return try await rows.decode(UUID.self).firstElement()!
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder.api.encode(value), as: UTF8.self)
    }

    private func fetchShots(_ tail: PostgresQuery) async throws -> [Shot] {
        var query: PostgresQuery = "\(unescaped: Self.shotColumns)\n"
        query.sql += tail.sql
        query.binds = tail.binds
        let rows = try await db.query(query, logger: logger)
        var shots: [(Shot, Int)] = []
        let decoder = JSONDecoder()
        for try await (id, position, prompt, model, provider, parameters, first, last, references, takes, continuity, chosen, frame, round, created, updated)
            in rows.decode((UUID, Int, String, String, String?, String, UUID?, UUID?, [UUID], Int, Bool, UUID?, UUID?, Int, Date, Date).self) {
            let shot = Shot(id: id, position: position, prompt: try decoder.decode(ShotPrompt.self, from: Data(prompt.utf8)), model: model,
                            provider: provider, parameters: try decoder.decode(ShotParameters.self, from: Data(parameters.utf8)),
                            first_frame_asset_id: first, last_frame_asset_id: last, reference_asset_ids: references, takes: takes,
                            continuity: continuity, chosen_generation_id: chosen, continuity_asset_id: frame, takes_made: [],
                            created_at: created, updated_at: updated)
            shots.append((shot, round))
        }
        guard !shots.isEmpty else { return [] }
        let made = try await db.query("""
            SELECT t.shot_id, t.generation_id, t.take_index, g.state FROM storyboard_shot_takes t
            JOIN storyboard_shots s ON s.id = t.shot_id AND s.round = t.round JOIN generations g ON g.id = t.generation_id
            WHERE t.shot_id = ANY(\(shots.map(\.0.id))) ORDER BY t.take_index
            """, logger: logger)
        var takes: [UUID: [Shot.Take]] = [:]
        for try await (shot, generation, index, state) in made.decode((UUID, UUID, Int, String).self) {
            takes[shot, default: []].append(.init(generation_id: generation, take_index: index, state: state))
        }
        return shots.map { shot, _ in
            var shot = shot
            shot.takes_made = takes[shot.id] ?? []
            return shot
        }
    }
}
