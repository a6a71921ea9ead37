import Foundation
import Logging
import PostgresNIO

/// Storyboard rows, always scoped to one team; every change is audited in its transaction.
/// Shots are in `StoryboardRepository+Shots.swift`, generate/resume in `+Run.swift`.
struct StoryboardRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let events: StoryboardEvents
    let logger: Logger

    private static let columns = """
        SELECT b.id, b.campaign_id, b.name, b.description, b.status, b.error_shot_id, b.error_message, b.reserved_usd,
               b.created_at, b.updated_at, (extract(epoch FROM b.created_at) * 1000000)::int8,
               b.waiting_shot_id
        FROM storyboards b
        """

    func create(team: UUID, campaign: UUID, _ input: NewStoryboard, identity: Identity, ip: String?) async throws -> Storyboard? {
        let name = try LibraryInput.name(input.name)
        let description = try LibraryInput.description(input.description) ?? ""
        let id: UUID? = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                INSERT INTO storyboards (team_id, campaign_id, name, description, created_by)
                SELECT \(team), c.id, \(name), \(description), \(identity.userID) FROM campaigns c
                WHERE c.team_id = \(team) AND c.id = \(campaign)
                RETURNING id
                """, logger: logger)
            guard let id = try await rows.decode(UUID.self).firstElement() else { return nil }
            try await audit.append(AuditEvent("storyboard.created", target: "storyboard", id: id.uuidString,
                                              details: ["name": .string(name), "campaign_id": .string(campaign.uuidString)]),
                                   team: team, actor: AuditActor(identity, ip: ip), on: conn)
            return id
        }
        guard let id else { return nil }
        return try await find(team: team, id: id)
    }

    /// The storyboard alone; `withShots` adds its shots in order with their current takes.
    func find(team: UUID, id: UUID, withShots: Bool = false) async throws -> Storyboard? {
        guard var board = try await fetch("\(unescaped: Self.columns) WHERE b.team_id = \(team) AND b.id = \(id)").first?.0 else { return nil }
        if withShots { board.shots = try await shots(team: team, storyboard: id) }
        return board
    }

    func list(team: UUID, campaign: UUID, after cursor: ListCursor?, limit: Int) async throws -> [(Storyboard, ListCursor)] {
        var conditions: [SQLFragment] = ["b.team_id = \(team)", "b.campaign_id = \(campaign)"]
        if let cursor { conditions.append(cursor.after("b")) }
        return try await fetch("""
            \(unescaped: Self.columns)
            WHERE \(all: conditions)
            ORDER BY b.created_at DESC, b.id DESC
            LIMIT \(limit + 1)
            """)
    }

    func update(team: UUID, id: UUID, _ changes: StoryboardChanges, actor: AuditActor) async throws -> Storyboard? {
        let name = try changes.name.map { try LibraryInput.name($0) }
        let description = try LibraryInput.description(changes.description)
        let changed = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE storyboards SET name = coalesce(\(name), name), description = coalesce(\(description), description),
                    updated_at = clock_timestamp()
                WHERE team_id = \(team) AND id = \(id) RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            var details: [String: JSONValue] = [:]
            if let name { details["name"] = .string(name) }
            if let description { details["description"] = .string(description) }
            try await audit.append(AuditEvent("storyboard.updated", target: "storyboard", id: id.uuidString, details: .object(details)),
                                   team: team, actor: actor, on: conn)
            return true
        }
        return changed ? try await find(team: team, id: id) : nil
    }

    /// Deletes the storyboard and its shots; what it still held against the budgets goes back.
    /// The generations it made stay (every video is archived).
    func delete(team: UUID, id: UUID, actor: AuditActor) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                DELETE FROM storyboards WHERE team_id = \(team) AND id = \(id) RETURNING campaign_id, reserved_usd
                """, logger: logger)
            guard let (campaign, held) = try await rows.decode((UUID, Decimal).self).firstElement() else { return false }
            try await StoryboardHold.release(held, team: team, campaign: campaign, on: conn, logger: logger)
            try await audit.append(AuditEvent("storyboard.deleted", target: "storyboard", id: id.uuidString,
                                              details: ["released_usd": .string("\(held)")]),
                                   team: team, actor: actor, on: conn)
            return true
        }
    }

    private func fetch(_ query: PostgresQuery) async throws -> [(Storyboard, ListCursor)] {
        let rows = try await db.query(query, logger: logger)
        var result: [(Storyboard, ListCursor)] = []
        for try await (id, campaign, name, description, status, errorShot, errorMessage, reserved, created, updated, micros, waiting)
            in rows.decode((UUID, UUID, String, String, String, UUID?, String?, Decimal, Date, Date, Int64, UUID?).self) {
            let board = Storyboard(id: id, campaign_id: campaign, name: name, description: description,
                                   status: Storyboard.Status(rawValue: status) ?? .draft,
                                   error: errorMessage.map { Storyboard.Failure(shot_id: errorShot, message: $0) },
                                   waiting_for_choice: waiting.map { Storyboard.Waiting(shot_id: $0, reason: "choose_take") },
                                   reserved_usd: reserved, created_at: created, updated_at: updated)
            result.append((board, ListCursor(micros: micros, id: id)))
        }
        return result
    }
}

/// The part of a storyboard's reservation not yet moved onto generations.
enum StoryboardHold {
    /// Gives `amount` back to the team's and the campaign's budgets.
    static func release(_ amount: Decimal, team: UUID, campaign: UUID, on conn: PostgresConnection, logger: Logger) async throws {
        guard amount > 0 else { return }
        try await conn.query("UPDATE teams SET reserved_usd = greatest(reserved_usd - \(amount), 0) WHERE id = \(team)", logger: logger)
        try await conn.query("""
            UPDATE campaigns SET reserved_usd = greatest(reserved_usd - \(amount), 0) WHERE team_id = \(team) AND id = \(campaign)
            """, logger: logger)
    }
}

extension StoryboardRepository {
    /// A prompt version named by id, as (prompt, version number) for the generation planner.
    func promptVersion(team: UUID, id: UUID) async throws -> (UUID, Int)? {
        let rows = try await db.query("SELECT prompt_id, version FROM prompt_versions WHERE team_id = \(team) AND id = \(id)", logger: logger)
        return try await rows.decode((UUID, Int).self).firstElement()
    }
}

extension StoryboardRepository {
    func campaignExists(team: UUID, id: UUID) async throws -> Bool {
        try await db.query("SELECT 1 FROM campaigns WHERE team_id = \(team) AND id = \(id)", logger: logger).decode(Int.self).firstElement() != nil
    }
}
