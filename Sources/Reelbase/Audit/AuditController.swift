import Foundation
import Hummingbird

/// `GET /audit` (filters + cursor) and `GET /audit/verify` (the chain is intact).
struct AuditController {
    let audit: AuditRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("audit", use: list).get("audit/verify", use: verify)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<AuditEntry> {
        let identity = context.identity
        var filter = AuditRepository.Filter()
        filter.actorID = try request.queryUUID("actor")
        filter.action = request.query("action")
        filter.targetType = request.query("target_type")
        filter.targetID = request.query("target")
        filter.since = try request.queryDate("since")
        filter.until = try request.queryDate("until")
        let before = try request.sequenceCursor()
        let limit = try request.pageLimit()
        let entries = try await audit.list(team: identity.teamID, filter: filter, before: before, limit: limit)
        return Page(data: entries, next_cursor: entries.count == limit ? entries.last.map { String($0.seq) } : nil)
    }

    @Sendable func verify(_ request: Request, context: ViewerContext) async throws -> AuditRepository.Verification {
        let identity = context.identity
        return try await audit.verify(team: identity.teamID)
    }
}

extension AuditEntry: ResponseEncodable {}
extension AuditRepository.Verification: ResponseEncodable {}
