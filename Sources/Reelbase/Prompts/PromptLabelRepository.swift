import Foundation
import Logging
import PostgresNIO

/// Labels (production, staging, any name) that point at one version of a prompt. Every move
/// and removal writes an audit row with where the label pointed before and after.
struct PromptLabelRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger

    enum MoveError: Error { case promptNotFound, versionNotFound }

    func labels(team: UUID, prompt: UUID) async throws -> [PromptLabel]? {
        let exists = try await db.query("SELECT 1 FROM prompts WHERE team_id = \(team) AND id = \(prompt)", logger: logger)
        guard try await exists.decode(Int.self).firstElement() != nil else { return nil }
        let rows = try await db.query("""
            SELECT name, version, updated_by, updated_at FROM prompt_labels
            WHERE team_id = \(team) AND prompt_id = \(prompt) ORDER BY name
            """, logger: logger)
        var labels: [PromptLabel] = []
        for try await (name, version, by, at) in rows.decode((String, Int, UUID?, Date).self) {
            labels.append(PromptLabel(name: name, version: version, updated_by: by, updated_at: at))
        }
        return labels
    }

    /// Points `name` at `version`, creating the label when new.
    func move(team: UUID, prompt: UUID, name: String, to version: Int, by user: UUID?, actor: AuditActor) async throws -> PromptLabel {
        try await db.transaction(logger: logger) { conn in
            // Lock the prompt so two moves of its labels are ordered, as their audit rows are.
            let locked = try await conn.query("SELECT id FROM prompts WHERE team_id = \(team) AND id = \(prompt) FOR UPDATE", logger: logger)
            guard try await locked.decode(UUID.self).firstElement() != nil else { throw MoveError.promptNotFound }
            let found = try await conn.query("""
                SELECT 1 FROM prompt_versions WHERE team_id = \(team) AND prompt_id = \(prompt) AND version = \(version)
                """, logger: logger)
            guard try await found.decode(Int.self).firstElement() != nil else { throw MoveError.versionNotFound }
            let before = try await conn.query("""
                SELECT version FROM prompt_labels WHERE team_id = \(team) AND prompt_id = \(prompt) AND name = \(name)
                """, logger: logger)
            let previous = try await before.decode(Int.self).firstElement()
            let rows = try await conn.query("""
                INSERT INTO prompt_labels (team_id, prompt_id, name, version, updated_by) VALUES (\(team), \(prompt), \(name), \(version), \(user))
                ON CONFLICT (prompt_id, name) DO UPDATE SET version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()
                RETURNING updated_at
                """, logger: logger)
            let at = try await rows.decode(Date.self).firstElement()!
            if previous != version {
                try await audit.append(AuditEvent("prompt.label_moved", target: "prompt", id: prompt.uuidString, details: [
                    "label": .string(name), "from": previous.map { .number(Double($0)) } ?? .null, "to": .number(Double(version)),
                ]), team: team, actor: actor, on: conn)
            }
            return PromptLabel(name: name, version: version, updated_by: user, updated_at: at)
        }
    }

    /// Removes a label; false when the prompt or label does not exist in this team.
    func remove(team: UUID, prompt: UUID, name: String, actor: AuditActor) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                DELETE FROM prompt_labels WHERE team_id = \(team) AND prompt_id = \(prompt) AND name = \(name) RETURNING version
                """, logger: logger)
            guard let version = try await rows.decode(Int.self).firstElement() else { return false }
            try await audit.append(AuditEvent("prompt.label_removed", target: "prompt", id: prompt.uuidString,
                                              details: ["label": .string(name), "from": .number(Double(version))]),
                                   team: team, actor: actor, on: conn)
            return true
        }
    }
}
