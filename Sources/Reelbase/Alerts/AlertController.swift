import Foundation
import Hummingbird

/// `GET /alerts` (everyone in the team), `POST /alerts/{id}/resolve` (owners, audited).
struct AlertController {
    let alerts: AlertRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("alerts", use: list)
        gates.owner.post("alerts/:id/resolve", use: resolve)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Alert> {
        let identity = context.identity
        let limit = try request.pageLimit(default: 100)
        let rows = try await alerts.list(team: identity.teamID, includeResolved: try request.queryBool("include_resolved") ?? false,
                                         after: try request.listCursor(), limit: limit)
        return Page(rows: rows, limit: limit)
    }

    /// Resolving says "the cause is fixed": the account's pause is lifted and queued jobs go again.
    @Sendable func resolve(_ request: Request, context: OwnerContext) async throws -> Alert {
        let identity = context.identity
        guard let alert = try await alerts.resolve(team: identity.teamID, id: try context.pathID("id", "alert"),
                                                   actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("alert")
        }
        return alert
    }
}
