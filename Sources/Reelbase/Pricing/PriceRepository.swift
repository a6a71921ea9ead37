import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

/// The editable price table. Instance defaults (team_id NULL) come from a migration; a team's
/// own rows replace the defaults for the models they name.
public struct PriceRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let catalog: ModelCatalog
    let logger: Logger

    public struct Row: Codable, Sendable {
        public let price: PriceRow
        /// "team" when the team set it, "default" for the instance's published prices.
        public let source: String
    }

    public func rows(team: UUID) async throws -> [Row] {
        let result = try await db.query("""
            SELECT team_id IS NOT NULL, model_id, resolution, generate_audio, unit, usd FROM prices
            WHERE team_id = \(team) OR team_id IS NULL ORDER BY model_id, team_id NULLS LAST, id
            """, logger: logger)
        var own: [Row] = [], defaults: [Row] = []
        for try await (isOwn, model, resolution, audio, unit, usd) in result.decode((Bool, String, String?, Bool?, String, Decimal).self) {
            let row = Row(price: PriceRow(modelID: model, resolution: resolution, generateAudio: audio, unit: PriceUnit(rawValue: unit) ?? .perGeneration, usd: usd),
                          source: isOwn ? "team" : "default")
            if isOwn { own.append(row) } else { defaults.append(row) }
        }
        let overridden = Set(own.map(\.price.modelID))
        return own + defaults.filter { !overridden.contains($0.price.modelID) }
    }

    public func table(team: UUID) async throws -> PriceTable {
        PriceTable(rows: try await rows(team: team).map(\.price))
    }

    /// Replaces the team's own rows in one transaction; an empty list returns to the defaults.
    static let maxRows = 500

    func replace(team: UUID, with rows: [PriceRow], actor: AuditActor) async throws {
        var problems: [String: JSONValue] = [:]
        // Every model × resolution × audio × unit fits well under this; more is a mistake or an attack.
        if rows.count > Self.maxRows { problems["rows"] = .string("at most \(Self.maxRows) rows") }
        for (index, row) in rows.prefix(Self.maxRows).enumerated() {
            guard let model = catalog.model(id: row.modelID) else {
                problems["rows.\(index).model_id"] = .string("unknown model \(row.modelID); use one of \(catalog.models.map(\.id).joined(separator: ", "))")
                continue
            }
            if let resolution = row.resolution, !model.resolutions.contains(resolution) {
                problems["rows.\(index).resolution"] = .string("\(resolution) is not a resolution of \(model.id)")
            }
            if row.usd < 0 || row.usd > 1000 { problems["rows.\(index).usd"] = "must be between 0 and 1000" }
        }
        guard problems.isEmpty else { throw AppError.validation("Some price rows are not valid.", details: problems) }
        try await db.transaction(logger: logger) { conn in
            try await conn.query("DELETE FROM prices WHERE team_id = \(team)", logger: logger)
            for row in rows {
                try await conn.query("""
                    INSERT INTO prices (team_id, model_id, resolution, generate_audio, unit, usd)
                    VALUES (\(team), \(row.modelID), \(row.resolution), \(row.generateAudio), \(row.unit.rawValue), \(row.usd))
                    """, logger: logger)
            }
            try await audit.append(AuditEvent("prices.replaced", target: "prices", id: nil,
                                              details: ["rows": .number(Double(rows.count)), "models": .array(Set(rows.map(\.modelID)).sorted().map { .string($0) })]),
                                   team: team, actor: actor, on: conn)
        }
    }
}
