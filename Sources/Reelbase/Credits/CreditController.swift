import Foundation
import Hummingbird

/// `GET /credits`: the balance history of the team's provider accounts, newest first.
struct CreditController {
    let credits: CreditRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("credits", use: list)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<CreditSnapshot> {
        let identity = context.identity
        let limit = try request.pageLimit(default: 100)
        let before = try request.sequenceCursor()
        let rows = try await credits.history(team: identity.teamID, account: try request.queryUUID("account_id"), before: before, limit: limit)
        return Page(data: rows.map(\.1), next_cursor: rows.count == limit ? rows.last.map { String($0.0) } : nil)
    }
}

extension CreditSnapshot: ResponseEncodable {}
