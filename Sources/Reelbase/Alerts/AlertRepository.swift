import Foundation
import Logging
import PostgresNIO

/// Alerts raised by the worker, and the way back from them: resolving an alert lifts its
/// account's pause and wakes the workers so queued jobs go again.
///
/// Pauses are keyed by account, not by team, and `default:<provider>` (the instance account) is
/// shared by every team. Resolving lifts the pause even when another team still has an open
/// alert for the same account: we cannot tell from here whether the cause is gone, and the
/// cheapest way to find out is to try. Auth and credit refusals are not billed, so if the cause
/// persists the next submission re-pauses the account and re-raises the alert at no cost.
/// Only pauses "until a person acts" (`infinity`) are lifted; a rate-limit pause ends by itself
/// and lifting it early would only earn another 429.
public struct AlertRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger

    /// Newest first; open ones only unless `includeResolved`.
    func list(team: UUID, includeResolved: Bool, after cursor: ListCursor?, limit: Int) async throws -> [(Alert, ListCursor)] {
        let rows = try await db.query("""
            SELECT a.id, a.account_key, a.kind, a.message, a.created_at, a.resolved_at,
                   p.paused_until IS NOT NULL AND p.paused_until > now(),
                   CASE WHEN p.paused_until > now() AND p.paused_until <> 'infinity' THEN p.paused_until END,
                   (extract(epoch FROM a.created_at) * 1000000)::int8
            FROM alerts a LEFT JOIN provider_pauses p ON p.account_key = a.account_key
            WHERE a.team_id = \(team) AND (\(includeResolved) OR a.resolved_at IS NULL)
              AND (\(cursor?.micros)::int8 IS NULL
                   OR (a.created_at, a.id) < (timestamptz 'epoch' + \(cursor?.micros) * interval '1 microsecond', \(cursor?.id)))
            ORDER BY a.created_at DESC, a.id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        return try await Self.alerts(rows)
    }

    /// Resolves one alert (owners; audited), lifts its account's pause and wakes the workers.
    /// nil when the team has no such alert; 409 when it is already resolved.
    func resolve(team: UUID, id: UUID, actor: AuditActor) async throws -> Alert? {
        let found = try await db.transaction(logger: logger) { conn -> Bool in
            let updated = try await conn.query("""
                UPDATE alerts SET resolved_at = now() WHERE team_id = \(team) AND id = \(id) AND resolved_at IS NULL
                RETURNING account_key, kind
                """, logger: logger)
            guard let (accountKey, kind) = try await updated.decode((String?, String).self).firstElement() else {
                let existing = try await conn.query("SELECT resolved_at FROM alerts WHERE team_id = \(team) AND id = \(id)", logger: logger)
                guard try await existing.decode(Date?.self).firstElement() != nil else { return false }
                throw AppError.conflict("This alert is already resolved.")
            }
            let lifted = try await liftPause(accountKey: accountKey, on: conn)
            try await audit.append(AuditEvent("alert.resolved", target: "alert", id: id.uuidString.lowercased(), details: [
                "account_key": accountKey.map { .string($0) } ?? .null, "kind": .string(kind), "pause_lifted": .bool(lifted),
            ]), team: team, actor: actor, on: conn)
            return true
        }
        guard found else { return nil }
        return try await get(team: team, id: id)
    }

    /// The account was fixed (a new key, or credits seen again): resolves its open auth and
    /// credit alerts in this team, lifts its pause and wakes the workers. Returns how many
    /// alerts were resolved.
    @discardableResult
    func accountRepaired(team: UUID, accountKey: String, reason: String, actor: AuditActor) async throws -> Int {
        try await db.transaction(logger: logger) { conn in
            let updated = try await conn.query("""
                UPDATE alerts SET resolved_at = now()
                WHERE team_id = \(team) AND account_key = \(accountKey) AND kind = ANY(\(AlertKind.accountTrouble)) AND resolved_at IS NULL
                RETURNING id, kind
                """, logger: logger)
            var resolved: [(UUID, String)] = []
            for try await row in updated.decode((UUID, String).self) { resolved.append(row) }
            let lifted = try await liftPause(accountKey: accountKey, on: conn)
            for (id, kind) in resolved {
                try await audit.append(AuditEvent("alert.resolved", target: "alert", id: id.uuidString.lowercased(), details: [
                    "account_key": .string(accountKey), "kind": .string(kind), "pause_lifted": .bool(lifted), "reason": .string(reason),
                ]), team: team, actor: actor, on: conn)
            }
            return resolved.count
        }
    }

    /// Opens an alert (one open per team, account and kind: a later one updates its message),
    /// audited when it is new. Inside the caller's transaction.
    func raise(team: UUID, accountKey: String, kind: String, message: String, on conn: PostgresConnection) async throws {
        let rows = try await conn.query("""
            INSERT INTO alerts (team_id, account_key, kind, message) VALUES (\(team), \(accountKey), \(kind), \(message))
            ON CONFLICT (team_id, account_key, kind) WHERE resolved_at IS NULL DO UPDATE SET message = excluded.message
            RETURNING id, xmax = 0
            """, logger: logger)
        guard let (id, inserted) = try await rows.decode((UUID, Bool).self).firstElement(), inserted else { return }
        try await audit.append(AuditEvent("alert.raised", target: "alert", id: id.uuidString.lowercased(),
                                          details: ["kind": .string(kind), "account_key": .string(accountKey), "message": .string(message)]),
                               team: team, actor: .system, on: conn)
    }

    func get(team: UUID, id: UUID) async throws -> Alert? {
        let rows = try await db.query("""
            SELECT a.id, a.account_key, a.kind, a.message, a.created_at, a.resolved_at,
                   p.paused_until IS NOT NULL AND p.paused_until > now(),
                   CASE WHEN p.paused_until > now() AND p.paused_until <> 'infinity' THEN p.paused_until END,
                   (extract(epoch FROM a.created_at) * 1000000)::int8
            FROM alerts a LEFT JOIN provider_pauses p ON p.account_key = a.account_key
            WHERE a.team_id = \(team) AND a.id = \(id)
            """, logger: logger)
        return try await Self.alerts(rows).first?.0
    }

    /// Deletes the account's "until a person acts" pause and wakes the workers (the notify is
    /// delivered at commit). Returns whether there was such a pause.
    private func liftPause(accountKey: String?, on conn: PostgresConnection) async throws -> Bool {
        guard let accountKey else { return false }
        let deleted = try await conn.query("""
            DELETE FROM provider_pauses WHERE account_key = \(accountKey) AND paused_until = 'infinity' RETURNING account_key
            """, logger: logger)
        let lifted = try await deleted.decode(String.self).firstElement() != nil
        try await conn.query("SELECT pg_notify(\(GenerationRepository.notifyChannel), '')", logger: logger)
        return lifted
    }

    private static func alerts(_ rows: PostgresRowSequence) async throws -> [(Alert, ListCursor)] {
        var result: [(Alert, ListCursor)] = []
        for try await (id, key, kind, message, created, resolved, paused, until, micros)
            in rows.decode((UUID, String?, String, String, Date, Date?, Bool, Date?, Int64).self) {
            result.append((Alert(id: id, account_key: key, kind: kind, message: message, created_at: created, resolved_at: resolved,
                                 paused: paused, paused_until: until), ListCursor(micros: micros, id: id)))
        }
        return result
    }
}
