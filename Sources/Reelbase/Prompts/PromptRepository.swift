import Foundation
import Logging
import PostgresNIO

/// Prompts and their append-only versions, always scoped to one team. Versions are only ever
/// inserted here; the database refuses UPDATE and DELETE on them as well.
struct PromptRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger

    static let versionColumns = """
        v.id, v.prompt_id, v.version, v.text, v.negative_prompt, v.default_params::text, v.note, v.created_by, v.created_at
        """

    func create(team: UUID, _ input: NewPrompt, createdBy: UUID?, actor: AuditActor) async throws -> Prompt {
        let name = try LibraryInput.name(input.name)
        let text = try PromptInput.text(input.text)
        let negative = try PromptInput.negativePrompt(input.negative_prompt)
        let params = try PromptInput.params(input.default_params)
        let note = try PromptInput.note(input.note)
        let id = try await db.transaction(logger: logger) { conn in
            do {
                let rows = try await conn.query("""
                    INSERT INTO prompts (team_id, name, campaign_id, created_by) VALUES (\(team), \(name), \(input.campaign_id), \(createdBy))
                    RETURNING id
                    """, logger: logger)
                let id = try await rows.decode(UUID.self).firstElement()!
                try await conn.query("""
                    INSERT INTO prompt_versions (team_id, prompt_id, version, text, negative_prompt, default_params, note, created_by)
                    VALUES (\(team), \(id), 1, \(text), \(negative), \(params.jsonText)::jsonb, \(note), \(createdBy))
                    """, logger: logger)
                try await audit.append(AuditEvent("prompt.created", target: "prompt", id: id.uuidString, details: ["name": .string(name), "version": 1]),
                                       team: team, actor: actor, on: conn)
                return id
            } catch { throw ForeignKeyProblem.map(error) }
        }
        return try await find(team: team, id: id)!
    }

    /// Appends version latest+1; the row lock on the prompt serialises concurrent appends.
    func addVersion(team: UUID, prompt: UUID, _ input: NewPromptVersion, createdBy: UUID?, actor: AuditActor) async throws -> PromptVersion? {
        let text = try PromptInput.text(input.text)
        let note = try PromptInput.note(input.note)
        let added: Int? = try await db.transaction(logger: logger) { conn in
            let bumped = try await conn.query("""
                UPDATE prompts SET latest_version = latest_version + 1, updated_at = clock_timestamp()
                WHERE team_id = \(team) AND id = \(prompt) RETURNING latest_version
                """, logger: logger)
            guard let version = try await bumped.decode(Int.self).firstElement() else { return nil }
            let previousRows = try await conn.query("""
                SELECT negative_prompt, default_params::text FROM prompt_versions
                WHERE team_id = \(team) AND prompt_id = \(prompt) AND version = \(version - 1)
                """, logger: logger)
            let previous = try await previousRows.decode((String?, String).self).firstElement()
            let negative = try PromptInput.negativePrompt(input.negative_prompt.resolve(previous?.0))
            let params = try PromptInput.params(input.default_params.resolve(previous.map { JSONValue.parse($0.1) }))
            try await conn.query("""
                INSERT INTO prompt_versions (team_id, prompt_id, version, text, negative_prompt, default_params, note, created_by)
                VALUES (\(team), \(prompt), \(version), \(text), \(negative), \(params.jsonText)::jsonb, \(note), \(createdBy))
                """, logger: logger)
            try await audit.append(AuditEvent("prompt.version_added", target: "prompt", id: prompt.uuidString, details: ["version": .number(Double(version))]),
                                   team: team, actor: actor, on: conn)
            return version
        }
        guard let added else { return nil }
        return try await version(team: team, prompt: prompt, number: added)
    }

    func find(team: UUID, id: UUID) async throws -> Prompt? {
        try await prompts("WHERE p.team_id = \(team) AND p.id = \(id)").first?.0
    }

    /// Newest first; `search` is matched against every version's text (PostgreSQL full-text
    /// search, English stemming) and the prompt's name.
    /// Names only the filters given, so each can use its index; values stay bind parameters.
    func list(team: UUID, search: String?, campaign: UUID?, after cursor: ListCursor?, limit: Int) async throws -> [(Prompt, ListCursor)] {
        var conditions: [SQLFragment] = ["p.team_id = \(team)"]
        if let campaign { conditions.append("p.campaign_id = \(campaign)") }
        if let search {
            // Two indexed look-ups (the name, any version's text) instead of an OR the planner cannot index.
            conditions.append("""
                p.id IN (SELECT n.id FROM prompts n WHERE n.team_id = \(team)
                           AND to_tsvector('english', n.name) @@ websearch_to_tsquery('english', \(search))
                         UNION
                         SELECT s.prompt_id FROM prompt_versions s WHERE s.team_id = \(team)
                           AND s.search @@ websearch_to_tsquery('english', \(search)))
                """)
        }
        if let cursor { conditions.append(cursor.after("p")) }
        return try await prompts("""
            WHERE \(all: conditions)
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT \(limit + 1)
            """)
    }

    func version(team: UUID, prompt: UUID, number: Int) async throws -> PromptVersion? {
        try await versions("WHERE v.team_id = \(team) AND v.prompt_id = \(prompt) AND v.version = \(number)").first
    }

    func version(team: UUID, id: UUID) async throws -> PromptVersion? {
        try await versions("WHERE v.team_id = \(team) AND v.id = \(id)").first
    }

    /// A version by number, or by the label pointing at it (`production`).
    func version(team: UUID, prompt: UUID, reference: String) async throws -> PromptVersion? {
        if let number = Int(reference) { return try await version(team: team, prompt: prompt, number: number) }
        return try await versions("""
            JOIN prompt_labels l ON l.prompt_id = v.prompt_id AND l.version = v.version AND l.team_id = v.team_id
            WHERE v.team_id = \(team) AND v.prompt_id = \(prompt) AND l.name = \(reference.lowercased())
            """).first
    }

    /// Newest version first; `before` is the version number the previous page ended at.
    func versions(team: UUID, prompt: UUID, before: Int?, limit: Int) async throws -> [PromptVersion] {
        try await versions("""
            WHERE v.team_id = \(team) AND v.prompt_id = \(prompt) AND (\(before)::int4 IS NULL OR v.version < \(before))
            ORDER BY v.version DESC LIMIT \(limit + 1)
            """)
    }

    private func versions(_ tail: PostgresQuery) async throws -> [PromptVersion] {
        var query: PostgresQuery = "SELECT \(unescaped: Self.versionColumns) FROM prompt_versions v "
        query.sql += tail.sql
        query.binds = tail.binds
        let rows = try await db.query(query, logger: logger)
        var result: [PromptVersion] = []
        for try await row in rows.decode((UUID, UUID, Int, String, String?, String, String?, UUID?, Date).self) {
            result.append(Self.version(row))
        }
        return result
    }

    private func prompts(_ tail: PostgresQuery) async throws -> [(Prompt, ListCursor)] {
        var query: PostgresQuery = """
            SELECT p.id, p.name, p.campaign_id, p.latest_version, p.created_at, p.updated_at,
                   (extract(epoch FROM p.created_at) * 1000000)::int8,
                   coalesce((SELECT jsonb_object_agg(l.name, l.version) FROM prompt_labels l
                             WHERE l.team_id = p.team_id AND l.prompt_id = p.id), '{}')::text,
                   \(unescaped: Self.versionColumns)
            FROM prompts p
            JOIN prompt_versions v ON v.team_id = p.team_id AND v.prompt_id = p.id AND v.version = p.latest_version

            """
        query.sql += tail.sql
        query.binds = tail.binds
        let rows = try await db.query(query, logger: logger)
        var result: [(Prompt, ListCursor)] = []
        for try await (id, name, campaign, latest, created, updated, micros, labels, vid, vprompt, vnumber, text, negative, params, note, by, at)
            in rows.decode((UUID, String, UUID?, Int, Date, Date, Int64, String, UUID, UUID, Int, String, String?, String, String?, UUID?, Date).self) {
            let labelMap = (try? JSONDecoder().decode([String: Int].self, from: Data(labels.utf8))) ?? [:]
            let version = Self.version((vid, vprompt, vnumber, text, negative, params, note, by, at))
            result.append((Prompt(id: id, name: name, campaign_id: campaign, latest_version: latest, latest: version, labels: labelMap,
                                  created_at: created, updated_at: updated), ListCursor(micros: micros, id: id)))
        }
        return result
    }

    private static func version(_ row: (UUID, UUID, Int, String, String?, String, String?, UUID?, Date)) -> PromptVersion {
        let (id, prompt, number, text, negative, params, note, by, at) = row
        return PromptVersion(id: id, prompt_id: prompt, version: number, text: text, negative_prompt: negative,
                             default_params: .parse(params), note: note,
                             variables: PromptVersion.variables(text: text, negativePrompt: negative), created_by: by, created_at: at)
    }
}
