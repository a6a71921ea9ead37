import Foundation
import Logging
import PostgresNIO

/// Saved seeds, always scoped to one team.
struct SeedRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger

    struct Filter: Sendable {
        var promptVersion: UUID?
        var prompt: UUID?
        var model: String?
        var campaign: UUID?
    }

    func create(team: UUID, _ input: NewSeed, createdBy: UUID?, actor: AuditActor) async throws -> Seed {
        guard (0...4_294_967_295).contains(input.value) else { throw AppError.validation("`value` must be from 0 to 4294967295.") }
        let note = input.note ?? ""
        guard note.count <= 2000 else { throw AppError.validation("`note` must be at most 2000 characters.") }
        let model = try input.model.map { try LibraryInput.name($0, field: "model", max: 100) }
        let id = try await db.transaction(logger: logger) { conn in
            do {
                let rows = try await conn.query("""
                    INSERT INTO seeds (team_id, value, note, prompt_version_id, model, campaign_id, created_by)
                    VALUES (\(team), \(input.value), \(note), \(input.prompt_version_id), \(model), \(input.campaign_id), \(createdBy))
                    RETURNING id
                    """, logger: logger)
                let id = try await rows.decode(UUID.self).firstElement()!
                try await audit.append(AuditEvent("seed.saved", target: "seed", id: id.uuidString,
                                                  details: ["value": .number(Double(input.value)), "model": model.map(JSONValue.string) ?? .null]),
                                       team: team, actor: actor, on: conn)
                return id
            } catch { throw ForeignKeyProblem.map(error) }
        }
        return try await find(team: team, id: id)!
    }

    func find(team: UUID, id: UUID) async throws -> Seed? {
        try await fetch("WHERE s.team_id = \(team) AND s.id = \(id)").first?.0
    }

    /// Names only the filters given, so each can use its index; values stay bind parameters.
    func list(team: UUID, filter: Filter, after cursor: ListCursor?, limit: Int) async throws -> [(Seed, ListCursor)] {
        var conditions: [SQLFragment] = ["s.team_id = \(team)"]
        if let version = filter.promptVersion { conditions.append("s.prompt_version_id = \(version)") }
        if let prompt = filter.prompt {
            conditions.append("s.prompt_version_id IN (SELECT v.id FROM prompt_versions v WHERE v.team_id = \(team) AND v.prompt_id = \(prompt))")
        }
        if let model = filter.model { conditions.append("s.model = \(model)") }
        if let campaign = filter.campaign { conditions.append("s.campaign_id = \(campaign)") }
        if let cursor { conditions.append(cursor.after("s")) }
        return try await fetch("""
            WHERE \(all: conditions)
            ORDER BY s.created_at DESC, s.id DESC
            LIMIT \(limit + 1)
            """)
    }

    /// False when there is no such seed; 409 while a generation refers to it.
    func delete(team: UUID, id: UUID, actor: AuditActor) async throws -> Bool {
        do {
            return try await deleteRow(team: team, id: id, actor: actor)
        } catch let error as PSQLError where error.sqlState == "23503" {
            throw AppError.conflict("A generation refers to this seed, so it cannot be deleted.")
        }
    }

    private func deleteRow(team: UUID, id: UUID, actor: AuditActor) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("DELETE FROM seeds WHERE team_id = \(team) AND id = \(id) RETURNING value", logger: logger)
            guard let value = try await rows.decode(Int64.self).firstElement() else { return false }
            try await audit.append(AuditEvent("seed.deleted", target: "seed", id: id.uuidString, details: ["value": .number(Double(value))]),
                                   team: team, actor: actor, on: conn)
            return true
        }
    }

    private func fetch(_ tail: PostgresQuery) async throws -> [(Seed, ListCursor)] {
        var query: PostgresQuery = """
            SELECT s.id, s.value, s.note, s.prompt_version_id, s.model, s.campaign_id, s.created_by, s.created_at,
                   (extract(epoch FROM s.created_at) * 1000000)::int8
            FROM seeds s

            """
        query.sql += tail.sql
        query.binds = tail.binds
        let rows = try await db.query(query, logger: logger)
        var result: [(Seed, ListCursor)] = []
        for try await (id, value, note, version, model, campaign, by, at, micros)
            in rows.decode((UUID, Int64, String, UUID?, String?, UUID?, UUID?, Date, Int64).self) {
            result.append((Seed(id: id, value: value, note: note, prompt_version_id: version, model: model, campaign_id: campaign,
                                created_by: by, created_at: at), ListCursor(micros: micros, id: id)))
        }
        return result
    }
}
