import Foundation
import Logging
import PostgresNIO

/// A team's webhook endpoints. Every change is audited; URLs pass the outbound guard before they
/// are stored; secrets are sealed with `SecretBox` (bound to the endpoint id) and only ever
/// returned by `create` and `rotateSecret`.
struct WebhookEndpointRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let secrets: SecretBox
    /// The rule for endpoint URLs (`REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS` loosens it).
    let guardian: OutboundGuard
    let clock: any WallClock
    let logger: Logger

    /// How long the secret a rotation replaced keeps signing next to the new one.
    static let rotationOverlap: TimeInterval = 24 * 3600

    private static let columns = "SELECT id, url, description, events, active, created_at, updated_at, (extract(epoch FROM created_at) * 1000000)::int8 FROM webhook_endpoints"

    static func sealContext(_ endpoint: UUID) -> String { "webhook_endpoint:\(endpoint.uuidString.lowercased())" }

    func create(team: UUID, _ input: NewWebhookEndpoint, createdBy: UUID?, actor: AuditActor) async throws -> CreatedWebhookEndpoint {
        let url = try await checkedURL(input.url)
        let events = try WebhookInput.events(input.events)
        let description = try WebhookInput.description(input.description) ?? ""
        let id = UUID()
        let secret = WebhookSignature.newSecret()
        let sealed = try secrets.seal(secret, context: Self.sealContext(id))
        try await db.transaction(logger: logger) { conn in
            try await conn.query("""
                INSERT INTO webhook_endpoints (id, team_id, url, description, events, active, secret_sealed, created_by)
                VALUES (\(id), \(team), \(url), \(description), \(events), \(input.active ?? true), \(sealed), \(createdBy))
                """, logger: logger)
            try await audit.append(AuditEvent("webhook_endpoint.created", target: "webhook_endpoint", id: id.uuidString.lowercased(), details: [
                "url": .string(url), "events": .array(events.map { .string($0) }), "active": .bool(input.active ?? true),
            ]), team: team, actor: actor, on: conn)
        }
        return CreatedWebhookEndpoint(endpoint: try await find(team: team, id: id)!, secret: secret)
    }

    func find(team: UUID, id: UUID) async throws -> WebhookEndpoint? {
        try await fetch("\(unescaped: Self.columns) WHERE team_id = \(team) AND id = \(id)").first?.0
    }

    func list(team: UUID, after cursor: ListCursor?, limit: Int) async throws -> [(WebhookEndpoint, ListCursor)] {
        try await fetch("""
            \(unescaped: Self.columns)
            WHERE team_id = \(team)
              AND (\(cursor?.micros)::int8 IS NULL
                   OR (created_at, id) < (timestamptz 'epoch' + \(cursor?.micros) * interval '1 microsecond', \(cursor?.id)))
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit + 1)
            """)
    }

    func update(team: UUID, id: UUID, _ changes: WebhookEndpointChanges, actor: AuditActor) async throws -> WebhookEndpoint? {
        let url = try await changes.url.asyncMap { try await checkedURL($0) }
        let events = try changes.events.map { try WebhookInput.events($0) }
        let description = try WebhookInput.description(changes.description)
        let changed = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE webhook_endpoints SET url = coalesce(\(url), url), events = coalesce(\(events), events),
                    description = coalesce(\(description), description), active = coalesce(\(changes.active), active),
                    updated_at = clock_timestamp()
                WHERE team_id = \(team) AND id = \(id) RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            var details: [String: JSONValue] = [:]
            if let url { details["url"] = .string(url) }
            if let events { details["events"] = .array(events.map { .string($0) }) }
            if let description { details["description"] = .string(description) }
            if let active = changes.active { details["active"] = .bool(active) }
            try await audit.append(AuditEvent("webhook_endpoint.updated", target: "webhook_endpoint", id: id.uuidString.lowercased(),
                                              details: .object(details)), team: team, actor: actor, on: conn)
            return true
        }
        return changed ? try await find(team: team, id: id) : nil
    }

    /// Deletes the endpoint and its delivery log; jobs already queued for it find nothing to do.
    func delete(team: UUID, id: UUID, actor: AuditActor) async throws -> WebhookEndpoint? {
        guard let endpoint = try await find(team: team, id: id) else { return nil }
        let deleted = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("DELETE FROM webhook_endpoints WHERE team_id = \(team) AND id = \(id) RETURNING id", logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            try await audit.append(AuditEvent("webhook_endpoint.deleted", target: "webhook_endpoint", id: id.uuidString.lowercased(),
                                              details: ["url": .string(endpoint.url)]), team: team, actor: actor, on: conn)
            return true
        }
        return deleted ? endpoint : nil
    }

    /// A new secret for every attempt from now on (pending retries included); for
    /// `rotationOverlap` each attempt carries a signature with the old one too.
    func rotateSecret(team: UUID, id: UUID, actor: AuditActor) async throws -> CreatedWebhookEndpoint? {
        let secret = WebhookSignature.newSecret()
        let sealed = try secrets.seal(secret, context: Self.sealContext(id))
        let rotated = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed,
                    previous_secret_until = \(clock.now().addingTimeInterval(Self.rotationOverlap)), secret_sealed = \(sealed), updated_at = clock_timestamp()
                WHERE team_id = \(team) AND id = \(id) RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            try await audit.append(AuditEvent("webhook_endpoint.secret_rotated", target: "webhook_endpoint", id: id.uuidString.lowercased()),
                                   team: team, actor: actor, on: conn)
            return true
        }
        guard rotated, let endpoint = try await find(team: team, id: id) else { return nil }
        return CreatedWebhookEndpoint(endpoint: endpoint, secret: secret)
    }

    /// The URL as stored, or 422 naming why the outbound guard refuses it.
    private func checkedURL(_ raw: String) async throws -> String {
        let url = try WebhookInput.url(raw)
        if let refusal = await guardian.refusal(of: url) {
            throw AppError.validation("This webhook URL is not allowed: \(refusal).", details: ["url": .string(url)])
        }
        return url
    }

    private func fetch(_ query: PostgresQuery) async throws -> [(WebhookEndpoint, ListCursor)] {
        var result: [(WebhookEndpoint, ListCursor)] = []
        for try await (id, url, description, events, active, created, updated, micros)
            in try await db.query(query, logger: logger).decode((UUID, String, String, [String], Bool, Date, Date, Int64).self) {
            result.append((WebhookEndpoint(id: id, url: url, description: description, events: events, active: active,
                                           created_at: created, updated_at: updated), ListCursor(micros: micros, id: id)))
        }
        return result
    }
}
