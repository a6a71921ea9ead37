import Foundation
import Logging
import PostgresNIO

/// Asset rows, always scoped to one team. Bytes are the blob store's business.
struct AssetRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger

    struct Filter: Sendable {
        var role: AssetRole?
        var tag: String?
        var campaign: UUID?
    }

    struct NewAsset: Sendable {
        let blob: StoredBlob
        let info: ImageInfo
        let metadata: AssetMetadata
        let createdBy: UUID?
    }

    /// Inserts the asset and its audit row; nil when the team already has these bytes.
    func insert(team: UUID, _ new: NewAsset, actor: AuditActor) async throws -> Asset? {
        let meta = new.metadata
        let id: UUID? = try await db.transaction(logger: logger) { conn in
            do {
                let rows = try await conn.query("""
                    INSERT INTO assets (team_id, blob_id, sha256, kind, size_bytes, width, height, role, name, tags, campaign_id, source_url, created_by)
                    VALUES (\(team), \(new.blob.id), \(new.blob.sha256), \(new.info.format.rawValue), \(new.blob.size), \(new.info.width),
                            \(new.info.height), \(meta.role?.rawValue), \(meta.name), \(meta.tags), \(meta.campaign), \(meta.sourceURL), \(new.createdBy))
                    ON CONFLICT (team_id, sha256) DO NOTHING
                    RETURNING id
                    """, logger: logger)
                guard let id = try await rows.decode(UUID.self).firstElement() else { return nil }
                try await audit.append(AuditEvent("asset.created", target: "asset", id: id.uuidString, details: [
                    "kind": .string(new.info.format.rawValue), "size_bytes": .number(Double(new.blob.size)),
                    "role": meta.role.map { .string($0.rawValue) } ?? .null, "source_url": meta.sourceURL.map(JSONValue.string) ?? .null,
                ]), team: team, actor: actor, on: conn)
                return id
            } catch { throw ForeignKeyProblem.map(error) }
        }
        guard let id else { return nil }
        return try await find(team: team, id: id)
    }

    func find(team: UUID, id: UUID) async throws -> Asset? {
        try await fetch("WHERE a.team_id = \(team) AND a.id = \(id)").first?.0
    }

    func find(team: UUID, sha256: Data) async throws -> Asset? {
        try await fetch("WHERE a.team_id = \(team) AND a.sha256 = \(sha256)").first?.0
    }

    func blobID(team: UUID, asset: UUID) async throws -> UUID? {
        let rows = try await db.query("SELECT blob_id FROM assets WHERE team_id = \(team) AND id = \(asset)", logger: logger)
        return try await rows.decode(UUID.self).firstElement()
    }

    /// Names only the filters given, so each can use its index; values stay bind parameters.
    func list(team: UUID, filter: Filter, after cursor: ListCursor?, limit: Int) async throws -> [(Asset, ListCursor)] {
        var conditions: [SQLFragment] = ["a.team_id = \(team)"]
        if let role = filter.role { conditions.append("a.role = \(role.rawValue)") }
        if let tag = filter.tag { conditions.append("a.tags @> ARRAY[\(tag)]::text[]") }
        if let campaign = filter.campaign { conditions.append("a.campaign_id = \(campaign)") }
        if let cursor { conditions.append(cursor.after("a")) }
        return try await fetch("""
            WHERE \(all: conditions)
            ORDER BY a.created_at DESC, a.id DESC
            LIMIT \(limit + 1)
            """)
    }

    /// Deletes the row and returns its blob id; 409 while a generation uses the asset
    /// (`generation_assets` references it with ON DELETE RESTRICT).
    func delete(team: UUID, id: UUID, actor: AuditActor) async throws -> UUID? {
        do {
            return try await db.transaction(logger: logger) { conn in
                let rows = try await conn.query("DELETE FROM assets WHERE team_id = \(team) AND id = \(id) RETURNING blob_id", logger: logger)
                guard let blob = try await rows.decode(UUID.self).firstElement() else { return nil }
                try await audit.append(AuditEvent("asset.deleted", target: "asset", id: id.uuidString), team: team, actor: actor, on: conn)
                return blob
            }
        } catch let error as PSQLError where error.sqlState == "23503" {
            throw AppError.conflict("A generation uses this asset, so it cannot be deleted.")
        }
    }

    private func fetch(_ tail: PostgresQuery) async throws -> [(Asset, ListCursor)] {
        var query: PostgresQuery = """
            SELECT a.id, a.kind, a.size_bytes, a.width, a.height, encode(a.sha256, 'hex'), a.role, a.name, a.tags, a.campaign_id,
                   a.source_url, a.created_by, a.created_at, (extract(epoch FROM a.created_at) * 1000000)::int8
            FROM assets a

            """
        query.sql += tail.sql
        query.binds = tail.binds
        let rows = try await db.query(query, logger: logger)
        var result: [(Asset, ListCursor)] = []
        for try await (id, kind, size, width, height, sha, role, name, tags, campaign, source, by, at, micros)
            in rows.decode((UUID, String, Int64, Int, Int, String, String?, String?, [String], UUID?, String?, UUID?, Date, Int64).self) {
            let format = ImageFormat(rawValue: kind) ?? .png
            let asset = Asset(id: id, kind: format, content_type: format.mediaType, size_bytes: size, width: width, height: height, sha256: sha,
                              role: role.flatMap(AssetRole.init(rawValue:)), name: name, tags: tags, campaign_id: campaign, source_url: source,
                              created_by: by, created_at: at, content_url: "/api/v1/assets/\(id.uuidString.lowercased())/content")
            result.append((asset, ListCursor(micros: micros, id: id)))
        }
        return result
    }
}
